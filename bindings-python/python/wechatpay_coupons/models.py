"""TypedDicts for the request and response models of the coupon API and its events.

Generated from the core's models (core/src/favor/models.rs, events.rs): every key is optional
at the type level (`total=False`); the core validates requests at run time and reads responses
tolerantly (unknown fields ignored, unknown enum values kept as strings).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, TypedDict


class GoodsDetail(TypedDict, total=False):
    goods_id: str
    quantity: int
    price: int
    discount_amount: int

class ConsumeInformation(TypedDict, total=False):
    consume_time: str
    consume_mchid: str
    transaction_id: str
    consume_amount: int
    goods_detail: List[GoodsDetail]

class SingleitemDiscountOff(TypedDict, total=False):
    single_price_max: int

class DiscountTo(TypedDict, total=False):
    cut_to_price: int
    max_price: int

class NormalCouponInformation(TypedDict, total=False):
    coupon_amount: int
    transaction_minimum: int

class CouponUseEvent(TypedDict, total=False):
    stock_creator_mchid: str
    stock_id: str
    coupon_id: str
    singleitem_discount_off: SingleitemDiscountOff
    discount_to: DiscountTo
    coupon_name: str
    status: str
    description: str
    create_time: str
    coupon_type: str
    no_cash: bool
    available_begin_time: str
    available_end_time: str
    singleitem: bool
    normal_coupon_information: NormalCouponInformation
    consume_information: ConsumeInformation
    business_type: str

class StockRule(TypedDict, total=False):
    max_coupons: int
    max_amount: int
    max_amount_by_day: int
    max_coupons_per_user: int
    natural_person_limit: bool
    prevent_api_abuse: bool

class StockUseRule(TypedDict, total=False):
    max_coupons: int
    max_amount: int
    max_amount_by_day: int
    fixed_normal_coupon: FixedNormalCoupon
    max_coupons_per_user: int
    coupon_type: str
    goods_tag: List[str]
    trade_type: List[str]
    combine_use: bool
    natural_person_limit: bool
    prevent_api_abuse: bool

class PatternInfo(TypedDict, total=False):
    description: str
    merchant_logo: str
    merchant_name: str
    background_color: str
    coupon_image: str
    jump_target: str
    mini_program_appid: str
    mini_program_path: str

class CouponUseRule(TypedDict, total=False):
    coupon_available_time: CouponAvailableTime
    fixed_normal_coupon: FixedNormalCoupon
    goods_tag: List[str]
    limit_pay: List[str]
    limit_card: CardLimitation
    trade_type: List[str]
    combine_use: bool
    available_items: List[str]
    unavailable_items: List[str]
    available_merchants: List[str]
    discount_coupon: DiscountCoupon
    exchange_coupon: ExchangeCoupon

class DiscountCoupon(TypedDict, total=False):
    discount_amount_max: int
    discount_percent: int
    transaction_minimum: int

class ExchangeCoupon(TypedDict, total=False):
    exchange_price: int
    transaction_minimum: int

class CouponAvailableTime(TypedDict, total=False):
    fix_available_time: FixAvailableTime
    second_day_available: bool
    available_time_after_receive: int
    available_begin_time: str
    available_end_time: str

class FixAvailableTime(TypedDict, total=False):
    available_week_day: List[int]
    begin_time: int
    end_time: int

class FixedNormalCoupon(TypedDict, total=False):
    coupon_amount: int
    transaction_minimum: int

class CardLimitation(TypedDict, total=False):
    name: str
    bin: List[str]

class CutToMessage(TypedDict, total=False):
    single_price_max: int
    cut_to_price: int

class AvailableRegion(TypedDict, total=False):
    kind: str
    province: str
    city: str
    district: str
    country: str

class Stock(TypedDict, total=False):
    stock_id: str
    stock_creator_mchid: str
    stock_name: str
    status: str
    create_time: str
    description: str
    stock_use_rule: StockUseRule
    available_begin_time: str
    available_end_time: str
    distributed_coupons: int
    no_cash: bool
    start_time: str
    stop_time: str
    cut_to_message: CutToMessage
    singleitem: bool
    stock_type: str
    card_id: str
    business_type: str
    available_region_list: List[AvailableRegion]
    available_industry_list: List[str]

class Coupon(TypedDict, total=False):
    stock_creator_mchid: str
    stock_id: str
    coupon_id: str
    cut_to_message: CutToMessage
    coupon_name: str
    status: str
    description: str
    create_time: str
    coupon_type: str
    no_cash: bool
    available_begin_time: str
    available_end_time: str
    singleitem: bool
    normal_coupon_information: FixedNormalCoupon
    consume_information: ConsumeInformation
    out_request_no: str
    available_balance: int
    business_type: str
    start_time: str
    stop_time: str

class StockCollection(TypedDict, total=False):
    total_count: int
    data: List[Stock]
    limit: int
    offset: int

class CouponCollection(TypedDict, total=False):
    data: List[Coupon]
    total_count: int
    limit: int
    offset: int

class StockStringCollection(TypedDict, total=False):
    total_count: int
    data: List[str]
    offset: int
    limit: int
    stock_id: str

class CreateStockRequest(TypedDict, total=False):
    stock_name: str
    comment: str
    belong_merchant: str
    available_begin_time: str
    available_end_time: str
    stock_use_rule: StockRule
    pattern_info: PatternInfo
    coupon_use_rule: CouponUseRule
    no_cash: bool
    stock_type: str
    out_request_no: str
    ext_info: str

class CreateStockResponse(TypedDict, total=False):
    stock_id: str
    create_time: str

class SendCouponRequest(TypedDict, total=False):
    openid: str
    stock_id: str
    out_request_no: str
    appid: str
    stock_creator_mchid: str
    coupon_value: int
    coupon_minimum: int

class SendCouponResponse(TypedDict, total=False):
    coupon_id: str

class ListStocksRequest(TypedDict, total=False):
    offset: int
    limit: int
    stock_creator_mchid: str
    create_start_time: str
    create_end_time: str
    status: str

class GetStockRequest(TypedDict, total=False):
    stock_id: str
    stock_creator_mchid: str

class GetCouponRequest(TypedDict, total=False):
    openid: str
    coupon_id: str
    appid: str

class ListStockMerchantsRequest(TypedDict, total=False):
    stock_id: str
    offset: int
    limit: int
    stock_creator_mchid: str

class ListStockItemsRequest(TypedDict, total=False):
    stock_id: str
    offset: int
    limit: int
    stock_creator_mchid: str

class ListUserCouponsRequest(TypedDict, total=False):
    openid: str
    appid: str
    stock_id: str
    status: str
    creator_mchid: str
    sender_mchid: str
    available_mchid: str
    offset: int
    limit: int
    business_type: str

class UseFlowRequest(TypedDict, total=False):
    stock_id: str

class RefundFlowRequest(TypedDict, total=False):
    stock_id: str

class FlowFileResponse(TypedDict, total=False):
    url: str
    hash_value: str
    hash_type: str

class SetCallbackRequest(TypedDict, total=False):
    mchid: str
    notify_url: str
    switch: bool

class SetCallbackResponse(TypedDict, total=False):
    update_time: str
    notify_url: str

class GetCallbackRequest(TypedDict, total=False):
    mchid: str

class GetCallbackResponse(TypedDict, total=False):
    notify_url: str
    mchid: str

class ModifyItemCodesRequest(TypedDict, total=False):
    stock_id: str
    stock_creator_mchid: str
    add_goods_id_list: List[str]
    delete_goods_id_list: List[str]

class ModifyItemCodesResponse(TypedDict, total=False):
    effect_time: str
    pause_time: str
    stock_id: str


class StockActionRequest(TypedDict, total=False):
    """start_stock / pause_stock / restart_stock / stop_stock."""

    stock_id: str
    stock_creator_mchid: str




class StartStockRequest(StockActionRequest, total=False):
    pass


class PauseStockRequest(StockActionRequest, total=False):
    pass


class RestartStockRequest(StockActionRequest, total=False):
    pass


class StopStockRequest(StockActionRequest, total=False):
    pass


class StartStockResponse(TypedDict, total=False):
    start_time: str
    stock_id: str


class PauseStockResponse(TypedDict, total=False):
    pause_time: str
    stock_id: str


class RestartStockResponse(TypedDict, total=False):
    restart_time: str
    stock_id: str


class StopStockResponse(TypedDict, total=False):
    stop_time: str
    stock_id: str


class ImageUploadResponse(TypedDict, total=False):
    media_url: str


class Violation(TypedDict):
    """One broken rule: `field` path, `rule` id, `severity` (error/warning), messages."""

    field: str
    rule: str
    severity: str
    message: str
    message_zh: str


class NotificationEnvelope(TypedDict, total=False):
    """The unencrypted part of a notification (readable before decryption)."""

    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    resource: Dict[str, Any]


class NotificationEvent(TypedDict):
    """A verified, decrypted notification. `resource` is the decrypted JSON (for COUPON.USE in
    the shape of `CouponUseEvent`)."""

    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    original_type: str
    resource: Any
    plaintext: str
    key_id: str
    request_id: Optional[str]


class VerifiedResponse(TypedDict):
    status: int
    key_id: str
    request_id: Optional[str]
    data: Any
    body: bytes


class Verified(TypedDict):
    key_id: str
    timestamp: int
    nonce: str


class SignedMessage(TypedDict):
    message: bytes
    signature: str
    authorization: str


class EncryptedField(TypedDict):
    ciphertext: str
    serial: str


class CertificateInfo(TypedDict):
    serial: str
    not_before: int
    not_after: int
    pem: str


class CertificateUpdate(TypedDict):
    added: List[str]
    expired: List[str]
    verified_by: str
    trust_on_first_use: bool
    refresh_at: int
    certificates: List[CertificateInfo]


class OperationSpec(TypedDict):
    name: str
    title: str
    method: str
    path: str
    path_params: List[str]
    query_params: List[str]
    body: str
    signed_response: bool
    request_type: str
    response_type: str
    paged: bool


class BillRow(TypedDict, total=False):
    line: int
    stock_id: str
    coupon_id: str
    discount_type: Optional[str]
    discount_amount: Optional[int]
    order_amount: Optional[int]
    trade_type: Optional[str]
    transaction_id: Optional[str]
    consume_time: Optional[str]
    consume_time_rfc3339: Optional[str]
    consume_mchid: Optional[str]
    device_info: Optional[str]
    bank_serial_no: Optional[str]
    goods_detail: Optional[str]
    is_combine_order: Optional[str]
    combine_transaction_id: Optional[str]
    combine_discount_amount: Optional[int]
    combine_order_amount: Optional[int]
    refund_id: Optional[str]
    refund_time: Optional[str]
    refund_amount: Optional[int]
    extra: Dict[str, str]


class BillSummary(TypedDict):
    kind: str
    header: List[str]
    rows: int
    declared_count: Optional[int]
    trailer: Dict[str, str]
    bytes: int
    warnings: List[str]


class V2Signature(TypedDict):
    sign: str
    string_to_sign_redacted: str


class PluginSignature(TypedDict):
    payload: Dict[str, Any]
    sign: str
    string_to_sign_redacted: str
    warnings: List[Violation]


class H5CouponUrl(TypedDict):
    url: str
    sign: str
    string_to_sign_redacted: str
    warnings: List[Violation]


HeaderPairs = List[Tuple[str, str]]
