"""The generated TypedDicts (models.py, `cargo xtask gen`) describe what the binding really
returns: every parsed response of a campaign against the sandbox is checked, recursively, against
the TypedDict that its `parse_<endpoint>` stub returns (the response type OPERATIONS names) — required keys present, no key the type lacks,
each value of the declared type (enums: a known value or any string)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Literal, Union, get_args, get_origin, get_type_hints

import pytest

import wechatpay_coupons as wc
from wechatpay_coupons import models
from test_sandbox_e2e import Sandbox, send_urllib  # also puts examples/python on sys.path

import notify_server  # noqa: E402  (examples/python)


def mismatches(value: Any, tp: Any, path: str) -> List[str]:
    """Where `value` does not conform to the type `tp` (empty when it does)."""
    origin, args = get_origin(tp), get_args(tp)
    if tp is Any:
        return []
    if origin is Union:
        per_arm = [mismatches(value, arm, path) for arm in args]
        return [] if any(not m for m in per_arm) else [f"{path}: {value!r} is none of {tp}"]
    if origin is Literal:
        return [] if value in args else [f"{path}: {value!r} not in {args}"]
    if tp is type(None):
        return [] if value is None else [f"{path}: {value!r} is not None"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        return [m for i, v in enumerate(value) for m in mismatches(v, args[0], f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not a dict"]
        return [m for k, v in value.items() for m in mismatches(v, args[1], f"{path}.{k}")]
    if hasattr(tp, "__required_keys__"):
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not a dict ({tp.__name__})"]
        hints = get_type_hints(tp)
        out = [f"{path}: required key {k!r} of {tp.__name__} missing" for k in sorted(tp.__required_keys__ - value.keys())]
        out += [f"{path}: key {k!r} not declared by {tp.__name__}" for k in sorted(value.keys() - hints.keys())]
        for k, v in value.items():
            if k in hints:
                out += mismatches(v, hints[k], f"{path}.{k}")
        return out
    if tp is bool:
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not a bool"]
    if tp is int:
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: {value!r} is not an int"]
    if tp in (str, float):
        return [] if isinstance(value, tp) else [f"{path}: {value!r} is not a {tp.__name__}"]
    return [f"{path}: the check does not know the type {tp}"]


def test_the_checker_catches_wrong_shapes() -> None:
    assert mismatches({"stock_id": "1", "create_time": "t"}, models.CreateStockResponse, "r") == []
    assert mismatches({"stock_id": "1"}, models.CreateStockResponse, "r") == ["r: required key 'create_time' of CreateStockResponse missing"]
    assert mismatches({"stock_id": 1, "create_time": "t"}, models.CreateStockResponse, "r") == ["r.stock_id: 1 is not a str"]
    assert mismatches({"stock_id": "1", "create_time": "t", "x": 1}, models.CreateStockResponse, "r") == ["r: key 'x' not declared by CreateStockResponse"]
    assert mismatches("SOMETHING_NEW", models.CouponStatus, "s") == []
    assert mismatches(3, models.CouponStatus, "s") != []


def test_every_operation_names_generated_models() -> None:
    for op in wc.OPERATIONS:
        assert hasattr(models, op["response_type"]), op
        if op["body"] != "multipart":
            assert hasattr(models, op["request_type"]), op


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("public-key")
    yield sb
    sb.stop()


def test_parsed_responses_conform_to_their_typeddicts(sandbox: Sandbox) -> None:
    client = sandbox.client()
    mchid = client.mchid
    appid = json.loads(Path(sandbox.config).read_text())["appid"]
    # The stub's `parse_<name>` returns the model that OPERATIONS names as the response type.
    response_type = {op["name"]: getattr(models, op["response_type"]) for op in wc.OPERATIONS}
    checked: Dict[str, int] = {}

    def call(name: str, **fields: Any) -> Any:
        req = getattr(client, name)(**fields)
        status, headers, body = send_urllib(req)
        result = getattr(client, "parse_" + name)(status, headers, body)
        assert mismatches(result, response_type[name], name) == []
        checked[name] = checked.get(name, 0) + 1
        return result

    def rfc(t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(t + 8 * 3600))

    def create_stock() -> str:
        now = client.now()
        created = call(
            "create_stock",
            stock_name="生成类型检查",
            belong_merchant=mchid,
            available_begin_time=rfc(now),
            available_end_time=rfc(now + 7 * 86400),
            stock_use_rule={
                "max_coupons": 10,
                "max_amount": 1000,
                "max_coupons_per_user": 2,
                "natural_person_limit": False,
                "prevent_api_abuse": False,
            },
            coupon_use_rule={"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 2500}, "available_merchants": [mchid]},
            no_cash=False,
            stock_type="NORMAL",
            out_request_no=client.out_request_no(),
        )
        stock_id: str = created["stock_id"]
        return stock_id

    stock_id = create_stock()
    call("start_stock", stock_id=stock_id, stock_creator_mchid=mchid)
    coupon_id = call(
        "send_coupon", openid="oGen", stock_id=stock_id, out_request_no=client.out_request_no(), appid=appid, stock_creator_mchid=mchid
    )["coupon_id"]
    call("get_stock", stock_id=stock_id, stock_creator_mchid=mchid)
    call("list_stocks", offset=0, limit=10, stock_creator_mchid=mchid)
    call("get_coupon", openid="oGen", coupon_id=coupon_id, appid=appid)
    call("list_user_coupons", openid="oGen", appid=appid, creator_mchid=mchid, offset=0, limit=10)
    call("list_stock_merchants", stock_id=stock_id, stock_creator_mchid=mchid, offset=0, limit=10)
    call("pause_stock", stock_id=stock_id, stock_creator_mchid=mchid)
    call("restart_stock", stock_id=stock_id, stock_creator_mchid=mchid)
    call("list_stock_items", stock_id=stock_id, stock_creator_mchid=mchid, offset=0, limit=10)
    call("modify_item_codes", stock_id=stock_id, stock_creator_mchid=mchid, add_goods_id_list=["sku-1"])
    events: List[wc.NotificationEvent] = []
    receiver = notify_server.serve(client, events.append)
    try:
        notify_url = f"http://127.0.0.1:{receiver.server_address[1]}/wechatpay/notify"
        call("set_callback", mchid=mchid, notify_url=notify_url, switch=True)
        call("get_callback", mchid=mchid)
        status, used = sandbox.post("/sandbox/use", {"coupon_id": coupon_id, "openid": "oGen", "order_amount": 3000})
        assert status == 200, used
        deadline = time.time() + 15
        while not events and time.time() < deadline:
            time.sleep(0.05)
    finally:
        receiver.shutdown()
    assert events, "no verified COUPON.USE notification"
    assert mismatches(events[0]["resource"], models.CouponUseEvent, "COUPON.USE") == []
    # Used now: the coupon carries consume_information.
    assert "consume_information" in call("get_coupon", openid="oGen", coupon_id=coupon_id, appid=appid)
    call("use_flow", stock_id=stock_id)
    call("stop_stock", stock_id=create_stock(), stock_creator_mchid=mchid)  # stop needs an unactivated stock
    # Every JSON operation was checked, but refund_flow (no refund happened, so it answers 404;
    # its response type is use_flow's FlowFileResponse).
    expected = {op["name"] for op in wc.OPERATIONS if op["body"] != "multipart"} - {"refund_flow"}
    assert set(checked) == expected
