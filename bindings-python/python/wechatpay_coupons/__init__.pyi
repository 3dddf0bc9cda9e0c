"""Type stubs of `wechatpay_coupons` (checked against the compiled module by stubtest)."""

import os
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from . import _native as _native
from ._native import (
    BACKUP_BASE_URL as BACKUP_BASE_URL,
    CRYPTO_BACKEND as CRYPTO_BACKEND,
    OPERATIONS as OPERATIONS,
    PRIMARY_BASE_URL as PRIMARY_BASE_URL,
    Acknowledgement as Acknowledgement,
    ApiError as ApiError,
    BillDigest as BillDigest,
    BillError as BillError,
    BillParser as BillParser,
    DecodeError as DecodeError,
    DecryptError as DecryptError,
    KeyConfigError as KeyConfigError,
    ProbeSignatureError as ProbeSignatureError,
    Request as Request,
    SignatureError as SignatureError,
    SignerError as SignerError,
    ValidationError as ValidationError,
    VerifiedBill as VerifiedBill,
    WechatPayError as WechatPayError,
    h5_coupon_url as h5_coupon_url,
    plugin_sign as plugin_sign,
    v2_hmac_sign as v2_hmac_sign,
    verify_v2_hmac as verify_v2_hmac,
)
from .models import *
from .models import (
    Coupon as Coupon,
    CouponCollection as CouponCollection,
    CreateStockRequest as CreateStockRequest,
    CreateStockResponse as CreateStockResponse,
    FlowFileResponse as FlowFileResponse,
    GetCallbackRequest as GetCallbackRequest,
    GetCallbackResponse as GetCallbackResponse,
    GetCouponRequest as GetCouponRequest,
    GetStockRequest as GetStockRequest,
    ImageUploadResponse as ImageUploadResponse,
    ListStockItemsRequest as ListStockItemsRequest,
    ListStockMerchantsRequest as ListStockMerchantsRequest,
    ListStocksRequest as ListStocksRequest,
    ListUserCouponsRequest as ListUserCouponsRequest,
    ModifyItemCodesRequest as ModifyItemCodesRequest,
    ModifyItemCodesResponse as ModifyItemCodesResponse,
    PauseStockRequest as PauseStockRequest,
    PauseStockResponse as PauseStockResponse,
    RefundFlowRequest as RefundFlowRequest,
    RestartStockRequest as RestartStockRequest,
    RestartStockResponse as RestartStockResponse,
    SendCouponRequest as SendCouponRequest,
    SendCouponResponse as SendCouponResponse,
    SetCallbackRequest as SetCallbackRequest,
    SetCallbackResponse as SetCallbackResponse,
    StartStockRequest as StartStockRequest,
    StartStockResponse as StartStockResponse,
    Stock as Stock,
    StockCollection as StockCollection,
    StockStringCollection as StockStringCollection,
    StopStockRequest as StopStockRequest,
    StopStockResponse as StopStockResponse,
    UseFlowRequest as UseFlowRequest,
    BillRow as BillRow,
    ImageUploadResponse as ImageUploadResponse,
    NotificationEvent as NotificationEvent,
    Violation as Violation,
    VerifiedResponse as VerifiedResponse,
)

__version__: str
__all__ = [
    "BACKUP_BASE_URL",
    "CRYPTO_BACKEND",
    "OPERATIONS",
    "PRIMARY_BASE_URL",
    "Acknowledgement",
    "ApiError",
    "BillDigest",
    "BillError",
    "BillParser",
    "BillWarning",
    "Client",
    "NotificationEvent",
    "Violation",
    "DecodeError",
    "DecryptError",
    "KeyConfigError",
    "ProbeSignatureError",
    "Request",
    "SignatureError",
    "SignerError",
    "ValidationError",
    "VerifiedBill",
    "WechatPayError",
    "h5_coupon_url",
    "is_retryable",
    "iter_chunks",
    "parse_bill",
    "plugin_sign",
    "urllib_send",
    "v2_hmac_sign",
    "verify_bill",
    "verify_v2_hmac",
]

HeadersLike = Union[Mapping[str, str], Iterable[Tuple[str, str]], Any]
BodyLike = Union[bytes, bytearray, memoryview, str]
Send = Callable[[Request], Tuple[int, Any, bytes]]

class Client(_native.Client):
    @classmethod
    def from_config(cls, path: Union[str, "os.PathLike[str]"], **overrides: Any) -> Client: ...
    def parse(self, request: Request, status: int, headers: HeadersLike, body: BodyLike) -> Any: ...
    def upload_image(
        self, file: Union[bytes, bytearray, str, "os.PathLike[str]"], filename: Optional[str] = None
    ) -> Request: ...
    def parse_image_upload_response(self, status: int, headers: HeadersLike, body: BodyLike) -> ImageUploadResponse: ...
    def next_page(
        self, operation: str, params: Mapping[str, Any], previous: Mapping[str, Any], mode: Optional[str] = None
    ) -> Optional[Dict[str, Any]]: ...
    def pages(
        self, operation: str, params: Mapping[str, Any], send: Send, mode: Optional[str] = None, max_pages: int = 1000
    ) -> Iterator[Dict[str, Any]]: ...
    def call(self, operation: str, send: Send, params: Optional[Mapping[str, Any]] = None, **fields: Any) -> Any: ...
    # BEGIN GENERATED: endpoints (cargo xtask gen; do not edit by hand)
    def create_stock(
        self, params: Optional[CreateStockRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/coupon-stocks — 创建代金券批次."""
    def parse_create_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> CreateStockResponse: ...
    def start_stock(
        self, params: Optional[StartStockRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/stocks/{stock_id}/start — 激活代金券批次."""
    def parse_start_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> StartStockResponse: ...
    def send_coupon(
        self, params: Optional[SendCouponRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/users/{openid}/coupons — 发放指定批次的代金券."""
    def parse_send_coupon(self, status: int, headers: HeadersLike, body: BodyLike) -> SendCouponResponse: ...
    def pause_stock(
        self, params: Optional[PauseStockRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/stocks/{stock_id}/pause — 暂停代金券批次."""
    def parse_pause_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> PauseStockResponse: ...
    def restart_stock(
        self, params: Optional[RestartStockRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/stocks/{stock_id}/restart — 重启代金券批次."""
    def parse_restart_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> RestartStockResponse: ...
    def stop_stock(
        self, params: Optional[StopStockRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/stocks/{stock_id}/stop — 终止代金券批次."""
    def parse_stop_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> StopStockResponse: ...
    def list_stocks(
        self, params: Optional[ListStocksRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/stocks — 条件查询批次列表."""
    def parse_list_stocks(self, status: int, headers: HeadersLike, body: BodyLike) -> StockCollection: ...
    def get_stock(
        self, params: Optional[GetStockRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/stocks/{stock_id} — 查询批次详情."""
    def parse_get_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> Stock: ...
    def get_coupon(
        self, params: Optional[GetCouponRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/users/{openid}/coupons/{coupon_id} — 查询代金券详情."""
    def parse_get_coupon(self, status: int, headers: HeadersLike, body: BodyLike) -> Coupon: ...
    def list_stock_merchants(
        self, params: Optional[ListStockMerchantsRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/stocks/{stock_id}/merchants — 查询代金券可用商户."""
    def parse_list_stock_merchants(self, status: int, headers: HeadersLike, body: BodyLike) -> StockStringCollection: ...
    def list_stock_items(
        self, params: Optional[ListStockItemsRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/stocks/{stock_id}/items — 查询代金券可用单品."""
    def parse_list_stock_items(self, status: int, headers: HeadersLike, body: BodyLike) -> StockStringCollection: ...
    def list_user_coupons(
        self, params: Optional[ListUserCouponsRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/users/{openid}/coupons — 根据商户号查用户的券."""
    def parse_list_user_coupons(self, status: int, headers: HeadersLike, body: BodyLike) -> CouponCollection: ...
    def use_flow(
        self, params: Optional[UseFlowRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/stocks/{stock_id}/use-flow — 下载批次核销明细."""
    def parse_use_flow(self, status: int, headers: HeadersLike, body: BodyLike) -> FlowFileResponse: ...
    def refund_flow(
        self, params: Optional[RefundFlowRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/stocks/{stock_id}/refund-flow — 下载批次退款明细."""
    def parse_refund_flow(self, status: int, headers: HeadersLike, body: BodyLike) -> FlowFileResponse: ...
    def set_callback(
        self, params: Optional[SetCallbackRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/callbacks — 设置消息通知地址."""
    def parse_set_callback(self, status: int, headers: HeadersLike, body: BodyLike) -> SetCallbackResponse: ...
    def get_callback(
        self, params: Optional[GetCallbackRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """GET /v3/marketing/favor/callbacks — 查询消息通知地址."""
    def parse_get_callback(self, status: int, headers: HeadersLike, body: BodyLike) -> GetCallbackResponse: ...
    def modify_item_codes(
        self, params: Optional[ModifyItemCodesRequest] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        """POST /v3/marketing/favor/stocks/{stock_id}/modify-goods-id — 修改可用单品编码."""
    def parse_modify_item_codes(self, status: int, headers: HeadersLike, body: BodyLike) -> ModifyItemCodesResponse: ...
    # END GENERATED: endpoints

def is_retryable(error: BaseException) -> bool: ...
def urllib_send(request: Request, timeout: float = 30.0) -> Tuple[int, Dict[str, str], bytes]: ...
def iter_chunks(source: Any, chunk_size: int = 65536) -> Iterator[bytes]: ...
def verify_bill(download: Mapping[str, Any], source: Any) -> VerifiedBill: ...
class BillWarning(UserWarning): ...

def parse_bill(
    verified: VerifiedBill, source: Any, kind: str = "use_flow", recheck: bool = False
) -> Iterator[BillRow]: ...
