"""TypedDicts for the request and response models of the coupon API and its events.

The block between the GENERATED markers is written by `cargo xtask gen` from the core's models
(their JSON Schemas, cargo feature `schema`) and checked by `cargo xtask check`: do not edit it by
hand. Requests follow what the core accepts (every defaulted key optional, path parameters
included), responses and events what it returns (keys it always writes are required); `Optional`
marks a key that may hold `None`; an enum is its known values or any other string, as the core
keeps unknown values. The shapes after the block are the binding's own results, written by hand.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Tuple, TypedDict, Union

# BEGIN GENERATED: models (cargo xtask gen; do not edit by hand)
#: Coupon background colour (upper-case per the Go/Java SDKs; the mixed-case `Color010` spelling of [IM]/[TNM] decodes as `Unknown` and validation accepts it case-insensitively).
BackgroundColor = Union[Literal["COLOR010", "COLOR020", "COLOR030", "COLOR040", "COLOR050", "COLOR060", "COLOR070", "COLOR080", "COLOR081", "COLOR082", "COLOR090", "COLOR100", "COLOR101", "COLOR102"], str]

#: Business type (`MULTIUSE` = 消费金).
BusinessType = Union[Literal["MULTIUSE"], str]

#: Coupon status in responses and notifications (`RECOVER` per [IM]/[TNM] only; any other value is kept as [`CouponStatus::Unknown`]).
CouponStatus = Union[Literal["SENDED", "USED", "EXPIRED", "RECOVER", "REVOKED"], str]

#: `status` filter of the user-coupons query.
CouponStatusQuery = Union[Literal["SENDED", "USED"], str]

#: Coupon type.
CouponType = Union[Literal["NORMAL", "CUT_TO"], str]

#: Digest algorithm of a flow file (`SHA1`; compare with [`HashType::is_sha1`], which ignores case as the doc writes `sha1`).
HashType = Union[Literal["SHA1"], str]

#: Where the coupon page jumps to.
JumpTarget = Union[Literal["PAYMENT_CODE", "MINI_PROGRAM", "DEFAULT_PAGE"], str]

#: Stock status (`Stock.status`, list-stocks `status` filter); lower-case on the wire.
StockStatus = Union[Literal["unactivated", "audit", "running", "stoped", "paused"], str]

#: Stock type accepted by create stock: only `NORMAL` (SDK comments name others the server refuses).
StockTypeReq = Union[Literal["NORMAL"], str]

#: Stock type in responses.
StockTypeResp = Union[Literal["NORMAL", "DISCOUNT_CUT", "OTHER"], str]

#: Payment scene a coupon is limited to.
TradeType = Union[Literal["MICROAPP", "APPPAY", "PPAY", "CARD", "FACE", "OTHER"], str]


class AvailableRegion(TypedDict, total=False):
    """One entry of `available_region_list` (消费金)."""

    city: Optional[str]
    country: Optional[str]
    district: Optional[str]
    province: Optional[str]
    type: Optional[str]


class CardLimitation(TypedDict, total=False):
    """`limit_card` (§1.8)."""

    bin: List[str]
    name: str


class ConsumeInformation(TypedDict):
    """Where and when the coupon was used (`consume_information`)."""

    consume_amount: Optional[int]
    consume_mchid: str
    consume_time: str
    goods_detail: List[GoodsDetail]
    transaction_id: str


class _CouponRequired(TypedDict):
    available_begin_time: str
    available_end_time: str
    coupon_name: str
    coupon_type: CouponType
    create_time: str
    description: str
    status: CouponStatus
    stock_creator_mchid: str
    stock_id: str


class Coupon(_CouponRequired, total=False):
    """A coupon (§1.11): get-coupon response and user-coupons element."""

    available_balance: Optional[int]
    business_type: Optional[BusinessType]
    consume_information: Optional[ConsumeInformation]
    coupon_id: Optional[str]
    cut_to_message: Optional[CutToMessage]
    no_cash: Optional[bool]
    normal_coupon_information: Optional[FixedNormalCoupon]
    out_request_no: Optional[str]
    singleitem: Optional[bool]
    start_time: Optional[str]
    stop_time: Optional[str]


class CouponAvailableTime(TypedDict, total=False):
    """`coupon_available_time` (§1.5)."""

    available_begin_time: Optional[str]
    available_end_time: Optional[str]
    available_time_after_receive: Optional[int]
    fix_available_time: Optional[FixAvailableTime]
    second_day_available: Optional[bool]


class CouponCollection(TypedDict):
    """A page of coupons (§1.13)."""

    data: List[Coupon]
    limit: int
    offset: int
    total_count: int


class CouponUseEvent(TypedDict):
    """The decrypted `COUPON.USE` resource (favor-endpoints.md §4)."""

    available_begin_time: str
    available_end_time: str
    business_type: Optional[str]
    consume_information: Optional[ConsumeInformation]
    coupon_id: str
    coupon_name: str
    coupon_type: str
    create_time: str
    description: str
    discount_to: Optional[DiscountTo]
    no_cash: Optional[bool]
    normal_coupon_information: Optional[NormalCouponInformation]
    singleitem: Optional[bool]
    singleitem_discount_off: Optional[SingleitemDiscountOff]
    status: str
    stock_creator_mchid: str
    stock_id: str


class CouponUseRule(TypedDict, total=False):
    """`coupon_use_rule` (§1.4): where and how the coupon can be used."""

    available_items: Optional[List[str]]
    available_merchants: Optional[List[str]]
    combine_use: Optional[bool]
    coupon_available_time: Optional[CouponAvailableTime]
    discount_coupon: Optional[DiscountCoupon]
    exchange_coupon: Optional[ExchangeCoupon]
    fixed_normal_coupon: Optional[FixedNormalCoupon]
    goods_tag: Optional[List[str]]
    limit_card: Optional[CardLimitation]
    limit_pay: Optional[List[str]]
    trade_type: Optional[List[TradeType]]
    unavailable_items: Optional[List[str]]


class CreateStockRequest(TypedDict, total=False):
    """Create stock request (§3.1), the JSON body."""

    available_begin_time: str
    available_end_time: str
    belong_merchant: str
    comment: Optional[str]
    coupon_use_rule: CouponUseRule
    ext_info: Optional[str]
    no_cash: Optional[bool]
    out_request_no: str
    pattern_info: Optional[PatternInfo]
    stock_name: str
    stock_type: StockTypeReq
    stock_use_rule: StockRule


class CreateStockResponse(TypedDict):
    """Create stock response."""

    create_time: str
    stock_id: str


class CutToMessage(TypedDict):
    """`cut_to_message` (§1.9)."""

    cut_to_price: int
    single_price_max: int


class DiscountCoupon(TypedDict, total=False):
    """`discount_coupon` (listed by [IM]/[TNM] only)."""

    discount_amount_max: Optional[int]
    discount_percent: Optional[int]
    transaction_minimum: Optional[int]


class DiscountTo(TypedDict):
    """Cut-to coupon terms (`discount_to`, 减至券 only)."""

    cut_to_price: Optional[int]
    max_price: Optional[int]


class ExchangeCoupon(TypedDict, total=False):
    """`exchange_coupon` (listed by [IM]/[TNM] only)."""

    exchange_price: Optional[int]
    transaction_minimum: Optional[int]


class FixAvailableTime(TypedDict, total=False):
    """`fix_available_time` (§1.6)."""

    available_week_day: Optional[List[int]]
    begin_time: Optional[int]
    end_time: Optional[int]


class FixedNormalCoupon(TypedDict):
    """`fixed_normal_coupon` / `normal_coupon_information` (§1.7): face value and threshold in fen."""

    coupon_amount: int
    transaction_minimum: int


class FlowFileResponse(TypedDict):
    """Use-flow / refund-flow response: where to download the file and its digest."""

    hash_type: HashType
    hash_value: str
    url: str


class GetCallbackRequest(TypedDict, total=False):
    """Get callback request (§3.18)."""

    mchid: str


class GetCallbackResponse(TypedDict):
    """Get callback response."""

    mchid: str
    notify_url: str


class GetCouponRequest(TypedDict, total=False):
    """Get coupon request (§3.9)."""

    appid: str
    coupon_id: str
    openid: str


class GetStockRequest(TypedDict, total=False):
    """Get stock request (§3.8)."""

    stock_creator_mchid: str
    stock_id: str


class GoodsDetail(TypedDict):
    """One goods line of the paid order (`goods_detail[]`). Every field may be absent or `null` (read as `""` / 0): a line the decoder cannot read would lose the whole event."""

    discount_amount: int
    goods_id: str
    price: int
    quantity: int


class ImageUploadResponse(TypedDict):
    """The decoded image-upload response."""

    media_url: str


class ListStockItemsRequest(TypedDict, total=False):
    """Stock items request (§3.11)."""

    limit: int
    offset: int
    stock_creator_mchid: str
    stock_id: str


class ListStockMerchantsRequest(TypedDict, total=False):
    """Stock merchants request (§3.10)."""

    limit: int
    offset: int
    stock_creator_mchid: str
    stock_id: str


class ListStocksRequest(TypedDict, total=False):
    """List stocks request (§3.7); every field goes to the query."""

    create_end_time: Optional[str]
    create_start_time: Optional[str]
    limit: int
    offset: int
    status: Optional[StockStatus]
    stock_creator_mchid: str


class ListUserCouponsRequest(TypedDict, total=False):
    """User coupons request (§3.12)."""

    appid: str
    available_mchid: Optional[str]
    business_type: Optional[BusinessType]
    creator_mchid: Optional[str]
    limit: Optional[int]
    offset: Optional[int]
    openid: str
    sender_mchid: Optional[str]
    status: Optional[CouponStatusQuery]
    stock_id: Optional[str]


class ModifyItemCodesRequest(TypedDict, total=False):
    """Modify item codes request (§3.20)."""

    add_goods_id_list: Optional[List[str]]
    delete_goods_id_list: Optional[List[str]]
    stock_creator_mchid: str
    stock_id: str


class _ModifyItemCodesResponseRequired(TypedDict):
    stock_id: str


class ModifyItemCodesResponse(_ModifyItemCodesResponseRequired, total=False):
    """Modify item codes response: [GO] names `effect_time`, [IM] `pause_time`; both are read."""

    effect_time: Optional[str]
    pause_time: Optional[str]


class NormalCouponInformation(TypedDict):
    """Fixed-amount coupon terms (`normal_coupon_information`)."""

    coupon_amount: Optional[int]
    transaction_minimum: Optional[int]


class PatternInfo(TypedDict, total=False):
    """`pattern_info` (§1.3): how the coupon is displayed."""

    background_color: Optional[BackgroundColor]
    coupon_image: Optional[str]
    description: str
    jump_target: Optional[JumpTarget]
    merchant_logo: Optional[str]
    merchant_name: Optional[str]
    mini_program_appid: Optional[str]
    mini_program_path: Optional[str]


class PauseStockRequest(TypedDict, total=False):
    """Pause stock request (§3.4)."""

    stock_creator_mchid: str
    stock_id: str


class PauseStockResponse(TypedDict):
    """Pause stock response."""

    pause_time: str
    stock_id: str


class RefundFlowRequest(TypedDict, total=False):
    """Refund-flow request (§3.14)."""

    stock_id: str


class RestartStockRequest(TypedDict, total=False):
    """Restart stock request (§3.5)."""

    stock_creator_mchid: str
    stock_id: str


class RestartStockResponse(TypedDict):
    """Restart stock response."""

    restart_time: str
    stock_id: str


class SendCouponRequest(TypedDict, total=False):
    """Send coupon request (§3.3)."""

    appid: str
    coupon_minimum: Optional[int]
    coupon_value: Optional[int]
    openid: str
    out_request_no: str
    stock_creator_mchid: str
    stock_id: str


class SendCouponResponse(TypedDict):
    """Send coupon response."""

    coupon_id: str


class SetCallbackRequest(TypedDict, total=False):
    """Set callback request (§3.17)."""

    mchid: str
    notify_url: str
    switch: Optional[bool]


class SetCallbackResponse(TypedDict):
    """Set callback response."""

    notify_url: str
    update_time: str


class SingleitemDiscountOff(TypedDict):
    """Single-item discount limit (`singleitem_discount_off`)."""

    single_price_max: Optional[int]


class StartStockRequest(TypedDict, total=False):
    """Start (activate) stock request (§3.2)."""

    stock_creator_mchid: str
    stock_id: str


class StartStockResponse(TypedDict):
    """Start stock response."""

    start_time: str
    stock_id: str


class _StockRequired(TypedDict):
    available_begin_time: str
    available_end_time: str
    create_time: str
    description: str
    distributed_coupons: int
    status: StockStatus
    stock_creator_mchid: str
    stock_id: str
    stock_name: str
    stock_type: StockTypeResp


class Stock(_StockRequired, total=False):
    """A stock (§1.10): get-stock response and list-stocks element."""

    available_industry_list: Optional[List[str]]
    available_region_list: Optional[List[AvailableRegion]]
    business_type: Optional[BusinessType]
    card_id: Optional[str]
    cut_to_message: Optional[CutToMessage]
    no_cash: Optional[bool]
    singleitem: Optional[bool]
    start_time: Optional[str]
    stock_use_rule: Optional[StockUseRule]
    stop_time: Optional[str]


class StockCollection(TypedDict):
    """A page of stocks (§1.13)."""

    data: List[Stock]
    limit: int
    offset: int
    total_count: int


class StockRule(TypedDict, total=False):
    """`stock_use_rule` of create stock (§1.1; Go/Java `StockRule`)."""

    max_amount: Optional[int]
    max_amount_by_day: Optional[int]
    max_coupons: Optional[int]
    max_coupons_per_user: Optional[int]
    natural_person_limit: Optional[bool]
    prevent_api_abuse: Optional[bool]


class StockStringCollection(TypedDict):
    """A page of strings with the stock id: available merchants (mchids) or items (goods codes)."""

    data: List[str]
    limit: int
    offset: int
    stock_id: str
    total_count: int


class StockUseRule(TypedDict, total=False):
    """`stock_use_rule` in a [`Stock`](super::Stock) (§1.2): the union of the [GO] and [IM] field sets, all optional."""

    combine_use: Optional[bool]
    coupon_type: Optional[CouponType]
    fixed_normal_coupon: Optional[FixedNormalCoupon]
    goods_tag: Optional[List[str]]
    max_amount: Optional[int]
    max_amount_by_day: Optional[int]
    max_coupons: Optional[int]
    max_coupons_per_user: Optional[int]
    natural_person_limit: Optional[bool]
    prevent_api_abuse: Optional[bool]
    trade_type: Optional[List[TradeType]]


class StopStockRequest(TypedDict, total=False):
    """Stop stock request (§3.6; UNVERIFIED against docs, present in the official SDKs)."""

    stock_creator_mchid: str
    stock_id: str


class StopStockResponse(TypedDict):
    """Stop stock response."""

    stock_id: str
    stop_time: str


class UseFlowRequest(TypedDict, total=False):
    """Use-flow request (§3.13)."""

    stock_id: str

# END GENERATED: models


class StockActionRequest(TypedDict, total=False):
    """start_stock / pause_stock / restart_stock / stop_stock."""

    stock_id: str
    stock_creator_mchid: str


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
