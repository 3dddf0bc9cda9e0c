"""The language-neutral test corpus under tests/corpus/, written by generate.py.

Three files, each {"client": ..., "cases": [...]} (see tests/corpus/README.md):

* operations.json  one case per API operation: params + fixed time and nonce -> the expected
                   method, URL, body bytes, signed message and Authorization header.
* validation.json  a valid base request per operation + an RFC 7386 merge patch -> the expected
                   violations (rule id, field, severity), complete and order-free.
* responses.json   per operation a raw response (status, body, signed headers) -> the expected
                   decoded JSON, or the expected API error.

Expected values are computed here (URLs, bodies and signatures with the standard library and
`cryptography`) or written by hand from /work/shared/spec (validation-rules.md,
favor-endpoints.md). Nothing here calls or imports the project's code.
"""

import base64
import copy
import hashlib
import json
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization

import generate as g

CORPUS = g.HERE.parent / "corpus"
MCHID = g.MCHID
SERIAL = g.hexserial(g.MERCHANT_SERIAL)
NOW = g.NOW  # 2026-11-27T10:00:00+08:00
NONCE = "Cq4Rp7Ts2Uv9Wx1Yz3Ab5Cd8Ef0Gh6Jk"
DAY = 86400
APPID = "wx1234567890abcdef"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
STOCK = "9856000"

CLIENT = {"mchid": MCHID, "serial": SERIAL, "private_key": "merchant_key.pem",
          "base_url": g.HOST, "timestamp": NOW, "nonce": NONCE, "allow_http_notify_url": False}


def t(offset):
    """NOW + offset seconds, as the documented +08:00 form."""
    from datetime import datetime
    return datetime.fromtimestamp(NOW + offset, g.CST).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def body_json(obj):
    """Compact JSON, UTF-8 as is, keys in the given order (the order of the request model)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def seg(v):
    """A path segment: every byte but the RFC 3986 unreserved characters percent-encoded."""
    return quote(str(v), safe="")


def qv(v):
    """A query value, encoded like a path segment (so `+` is %2B and `:` is %3A)."""
    return quote(str(v), safe="")


# ------------------------------------------------------------------- operations (the table)

# name -> (method, path template, path params, query params, body: json|none|multipart)
OPS = {
    "create_stock": ("POST", "/v3/marketing/favor/coupon-stocks", [], [], "json"),
    "start_stock": ("POST", "/v3/marketing/favor/stocks/{stock_id}/start", ["stock_id"], [], "json"),
    "send_coupon": ("POST", "/v3/marketing/favor/users/{openid}/coupons", ["openid"], [], "json"),
    "pause_stock": ("POST", "/v3/marketing/favor/stocks/{stock_id}/pause", ["stock_id"], [], "json"),
    "restart_stock": ("POST", "/v3/marketing/favor/stocks/{stock_id}/restart", ["stock_id"], [], "json"),
    "stop_stock": ("POST", "/v3/marketing/favor/stocks/{stock_id}/stop", ["stock_id"], [], "json"),
    "list_stocks": ("GET", "/v3/marketing/favor/stocks", [],
                    ["offset", "limit", "stock_creator_mchid", "create_start_time", "create_end_time", "status"],
                    "none"),
    "get_stock": ("GET", "/v3/marketing/favor/stocks/{stock_id}", ["stock_id"], ["stock_creator_mchid"], "none"),
    "get_coupon": ("GET", "/v3/marketing/favor/users/{openid}/coupons/{coupon_id}", ["openid", "coupon_id"],
                   ["appid"], "none"),
    "list_stock_merchants": ("GET", "/v3/marketing/favor/stocks/{stock_id}/merchants", ["stock_id"],
                             ["offset", "limit", "stock_creator_mchid"], "none"),
    "list_stock_items": ("GET", "/v3/marketing/favor/stocks/{stock_id}/items", ["stock_id"],
                         ["offset", "limit", "stock_creator_mchid"], "none"),
    "list_user_coupons": ("GET", "/v3/marketing/favor/users/{openid}/coupons", ["openid"],
                          ["appid", "stock_id", "status", "creator_mchid", "sender_mchid", "available_mchid",
                           "offset", "limit", "business_type"], "none"),
    "use_flow": ("GET", "/v3/marketing/favor/stocks/{stock_id}/use-flow", ["stock_id"], [], "none"),
    "refund_flow": ("GET", "/v3/marketing/favor/stocks/{stock_id}/refund-flow", ["stock_id"], [], "none"),
    "set_callback": ("POST", "/v3/marketing/favor/callbacks", [], [], "json"),
    "get_callback": ("GET", "/v3/marketing/favor/callbacks", [], ["mchid"], "none"),
    "upload_image": ("POST", "/v3/marketing/favor/media/image-upload", [], [], "multipart"),
    "modify_item_codes": ("POST", "/v3/marketing/favor/stocks/{stock_id}/modify-goods-id", ["stock_id"], [],
                          "json"),
}

PNG = g.png_bytes()


def base_params():
    """A valid request per operation (no violation at NOW), fields in the request model's order."""
    return {
        "create_stock": {
            "stock_name": "满100减10",
            "comment": "零售批次",
            "belong_merchant": MCHID,
            "available_begin_time": t(DAY),
            "available_end_time": t(31 * DAY),
            "stock_use_rule": {"max_coupons": 100, "max_amount": 1000, "max_amount_by_day": 500,
                               "max_coupons_per_user": 3, "natural_person_limit": False,
                               "prevent_api_abuse": True},
            "pattern_info": {"description": "全场通用", "merchant_logo": "https://qpic.cn/logo",
                             "merchant_name": "微信支付", "background_color": "COLOR020",
                             "coupon_image": "https://qpic.cn/img", "jump_target": "MINI_PROGRAM",
                             "mini_program_appid": APPID, "mini_program_path": "pages/index"},
            "coupon_use_rule": {
                "coupon_available_time": {"fix_available_time": {"available_week_day": [1, 2, 3],
                                                                 "begin_time": 0, "end_time": 86399}},
                "fixed_normal_coupon": {"coupon_amount": 10, "transaction_minimum": 100},
                "goods_tag": ["tag_1"],
                "limit_pay": ["ICBC_CREDIT"],
                "limit_card": {"name": "工行卡", "bin": ["622202"]},
                "trade_type": ["MICROAPP", "APPPAY"],
                "combine_use": False,
                "available_items": ["sku-1"],
                "available_merchants": [MCHID],
            },
            "no_cash": False,
            "stock_type": "NORMAL",
            "out_request_no": "190000000120261127abc|_*-",
        },
        "start_stock": {"stock_id": STOCK, "stock_creator_mchid": MCHID},
        "send_coupon": {"openid": OPENID, "stock_id": STOCK, "out_request_no": "190000000120261127X1",
                        "appid": APPID, "stock_creator_mchid": MCHID},
        "pause_stock": {"stock_id": STOCK, "stock_creator_mchid": MCHID},
        "restart_stock": {"stock_id": STOCK, "stock_creator_mchid": MCHID},
        "stop_stock": {"stock_id": STOCK, "stock_creator_mchid": MCHID},
        "list_stocks": {"offset": 0, "limit": 10, "stock_creator_mchid": MCHID,
                        "create_start_time": "2026-11-01T00:00:00+08:00",
                        "create_end_time": "2026-11-27T00:00:00+08:00", "status": "running"},
        "get_stock": {"stock_id": STOCK, "stock_creator_mchid": MCHID},
        "get_coupon": {"openid": OPENID, "coupon_id": "9867041", "appid": APPID},
        "list_stock_merchants": {"stock_id": STOCK, "offset": 0, "limit": 50, "stock_creator_mchid": MCHID},
        "list_stock_items": {"stock_id": STOCK, "offset": 0, "limit": 100, "stock_creator_mchid": MCHID},
        "list_user_coupons": {"openid": OPENID, "appid": APPID, "stock_id": STOCK, "status": "SENDED",
                              "creator_mchid": MCHID, "offset": 0, "limit": 20, "business_type": "MULTIUSE"},
        "use_flow": {"stock_id": STOCK},
        "refund_flow": {"stock_id": STOCK},
        "set_callback": {"mchid": MCHID, "notify_url": "https://merchant.example.com/favor/notify",
                         "switch": True},
        "get_callback": {"mchid": MCHID},
        "upload_image": {"filename": "logo.png", "file_base64": base64.b64encode(PNG).decode()},
        "modify_item_codes": {"stock_id": STOCK, "stock_creator_mchid": MCHID,
                              "add_goods_id_list": ["sku-2", "sku 3"], "delete_goods_id_list": ["sku-1"]},
    }


def expected_request(k, name, params, timestamp=NOW, nonce=NONCE):
    method, template, path_params, query_params, body_kind = OPS[name]
    path = template
    for p in path_params:
        path = path.replace("{" + p + "}", seg(params[p]))
    query = "&".join(f"{q}={qv(params[q])}" for q in query_params if params.get(q) is not None)
    url = g.HOST + path + ("?" + query if query else "")
    out = {"method": method, "url": url}
    if body_kind == "json":
        body = body_json({f: v for f, v in params.items() if f not in path_params})
        signed_body = body
        out["body"] = body
    elif body_kind == "none":
        signed_body = ""
        out["body"] = ""
    else:
        data = base64.b64decode(params["file_base64"])
        meta = body_json({"filename": params["filename"], "sha256": hashlib.sha256(data).hexdigest()})
        mime = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "bmp": "image/bmp"}[
            params["filename"].rsplit(".", 1)[1].lower()]
        # The boundary is the request's nonce (one fresh random value serves both).
        out["body_base64"] = base64.b64encode(g.multipart(nonce, meta, params["filename"], mime, data)).decode()
        out["content_type"] = f"multipart/form-data; boundary={nonce}"
        signed_body = meta
    signed = g.sign_request(k["merchant"], MCHID, SERIAL, method, url, signed_body, timestamp, nonce)
    out["signed_message"] = signed["message"]
    out["authorization"] = signed["authorization"]
    return out


def gen_operations(k):
    cases = []
    bases = base_params()
    for name in OPS:
        cases.append({"name": name, "operation": name, "params": bases[name],
                      "expected": expected_request(k, name, bases[name])})
    # Encoding edge cases: values that must be percent-encoded exactly once.
    extra = [
        ("get_coupon-openid-needs-escaping", "get_coupon",
         {"openid": "o/Up+F8=", "coupon_id": "9867041", "appid": APPID}),
        ("list_stocks-minimal", "list_stocks", {"offset": 2, "limit": 5, "stock_creator_mchid": MCHID}),
        ("list_user_coupons-available_mchid", "list_user_coupons",
         {"openid": OPENID, "appid": APPID, "available_mchid": "1900000002"}),
        ("send_coupon-chinese-and-specified-value", "send_coupon",
         {"openid": OPENID, "stock_id": STOCK, "out_request_no": "190000000120261127X2", "appid": APPID,
          "stock_creator_mchid": MCHID, "coupon_value": 100, "coupon_minimum": 1000}),
        ("set_callback-no-switch", "set_callback",
         {"mchid": MCHID, "notify_url": "https://merchant.example.com/回调/notify"}),
    ]
    for case_name, op, params in extra:
        cases.append({"name": case_name, "operation": op, "params": params,
                      "expected": expected_request(k, op, params)})
    for c in cases:
        check_operation(k, c)
    return {"description": "params + fixed time and nonce -> the exact request (see README.md)",
            "client": CLIENT, "cases": cases}


def check_operation(k, c):
    """Re-verifies each expected signature with the merchant certificate's public key."""
    e = c["expected"]
    sig = e["authorization"].rsplit('signature="', 1)[1].rstrip('"')
    assert g.rsa_ok(g.load_cert("merchant_cert.pem").public_key(), sig, e["signed_message"].encode()), c["name"]
    target = g.request_target(e["url"])
    assert e["signed_message"].startswith(f"{e['method']}\n{target}\n{NOW}\n{NONCE}\n"), c["name"]


# ------------------------------------------------------------------- validation

def v(rule, field, severity="error"):
    return {"rule": rule, "field": field, "severity": severity}


def W(rule, field):
    return v(rule, field, "warning")


# (name, operation, merge patch, expected violations). Written by hand from validation-rules.md.
# Conventions: a violation names the JSON path of the field (array items as `name[i]`); a rule
# about two fields names the one that conflicts (V-CS-51: fix_available_time; V-Q-02 order:
# create_end_time); V-SC-06 warns on each specified-value field sent; V-IMG-03 also fires when
# the bytes do not match the file name's type.
VALIDATION = [
    # --- create stock: names and free text
    ("V-CS-01 empty stock_name", "create_stock", {"stock_name": ""}, [v("V-CS-01", "stock_name")]),
    ("V-CS-02 21 letters", "create_stock", {"stock_name": "A" * 21}, [v("V-CS-02", "stock_name")]),
    ("V-CS-03 underscore in the name", "create_stock", {"stock_name": "满100_减10"}, [v("V-CS-03", "stock_name")]),
    ("V-CS-04 mixed text over 9 characters", "create_stock", {"stock_name": "满100减10abcd"},
     [W("V-CS-04", "stock_name")]),
    ("V-CS-06 comment of 61 characters", "create_stock", {"comment": "注" * 61}, [v("V-CS-06", "comment")]),
    ("V-CS-07 ext_info not JSON", "create_stock", {"ext_info": "not json"}, [W("V-CS-07", "ext_info")]),
    # --- merchant ids and request number
    ("V-CS-10 belong_merchant not the caller", "create_stock", {"belong_merchant": "1900000002"},
     [v("V-CS-10", "belong_merchant")]),
    ("V-CS-11 empty out_request_no", "create_stock", {"out_request_no": ""}, [v("V-CS-11", "out_request_no")]),
    ("V-CS-12 # in out_request_no", "create_stock", {"out_request_no": "1900000001#1"},
     [v("V-CS-12", "out_request_no")]),
    # --- times
    ("V-CS-20 space instead of T", "create_stock", {"available_begin_time": t(DAY).replace("T", " ")},
     [v("V-CS-20", "available_begin_time")]),
    ("V-CS-21 begin two minutes ago", "create_stock", {"available_begin_time": t(-120)},
     [v("V-CS-21", "available_begin_time")]),
    ("V-CS-22 begin 366 days ahead", "create_stock",
     {"available_begin_time": t(366 * DAY), "available_end_time": t(367 * DAY)},
     [v("V-CS-22", "available_begin_time")]),
    ("V-CS-23 end equals begin", "create_stock", {"available_end_time": t(DAY)},
     [v("V-CS-23", "available_end_time")]),
    ("V-CS-24 91 days", "create_stock", {"available_end_time": t(92 * DAY)}, [v("V-CS-24", "available_end_time")]),
    # --- stock_use_rule
    ("V-CS-30 natural_person_limit missing", "create_stock", {"stock_use_rule": {"natural_person_limit": None}},
     [v("V-CS-30", "stock_use_rule.natural_person_limit")]),
    ("V-CS-31 four coupons", "create_stock",
     {"stock_use_rule": {"max_coupons": 4, "max_amount": 40, "max_amount_by_day": 40}},
     [W("V-CS-31", "stock_use_rule.max_coupons")]),
    ("V-CS-32 max_amount not amount x coupons", "create_stock", {"stock_use_rule": {"max_amount": 999}},
     [v("V-CS-32", "stock_use_rule.max_amount")]),
    ("V-CS-33 budget over 10 million CNY", "create_stock",
     {"stock_use_rule": {"max_coupons": 10001, "max_amount": 1000100000},
      "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100000, "transaction_minimum": 100001}}},
     [W("V-CS-33", "stock_use_rule.max_amount")]),
    ("V-CS-34 max_amount_by_day 0", "create_stock", {"stock_use_rule": {"max_amount_by_day": 0}},
     [v("V-CS-34", "stock_use_rule.max_amount_by_day")]),
    ("V-CS-35 max_coupons_per_user 0", "create_stock", {"stock_use_rule": {"max_coupons_per_user": 0}},
     [v("V-CS-35", "stock_use_rule.max_coupons_per_user")]),
    ("V-CS-36 61 per user", "create_stock", {"stock_use_rule": {"max_coupons_per_user": 61}},
     [W("V-CS-36", "stock_use_rule.max_coupons_per_user")]),
    # --- fixed_normal_coupon
    ("V-CS-40 fixed_normal_coupon missing", "create_stock", {"coupon_use_rule": {"fixed_normal_coupon": None}},
     [v("V-CS-40", "coupon_use_rule.fixed_normal_coupon")]),
    ("V-CS-41 face value 1 fen", "create_stock",
     {"stock_use_rule": {"max_amount": 100, "max_amount_by_day": 100},
      "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 1}}},
     [v("V-CS-41", "coupon_use_rule.fixed_normal_coupon.coupon_amount")]),
    ("V-CS-41 face value 5 fen (warning)", "create_stock",
     {"stock_use_rule": {"max_amount": 500},
      "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 5}}},
     [W("V-CS-41", "coupon_use_rule.fixed_normal_coupon.coupon_amount")]),
    ("V-CS-42 threshold equals face value", "create_stock",
     {"coupon_use_rule": {"fixed_normal_coupon": {"transaction_minimum": 10}}},
     [v("V-CS-42", "coupon_use_rule.fixed_normal_coupon.transaction_minimum")]),
    ("V-CS-43 threshold over 100000 CNY", "create_stock",
     {"coupon_use_rule": {"fixed_normal_coupon": {"transaction_minimum": 10000001}}},
     [v("V-CS-43", "coupon_use_rule.fixed_normal_coupon.transaction_minimum")]),
    # --- other coupon_use_rule fields
    ("V-CS-50 1441 minutes", "create_stock",
     {"coupon_use_rule": {"coupon_available_time": {"fix_available_time": None,
                                                    "available_time_after_receive": 1441}}},
     [v("V-CS-50", "coupon_use_rule.coupon_available_time.available_time_after_receive")]),
    ("V-CS-51 second_day_available with fixed times", "create_stock",
     {"coupon_use_rule": {"coupon_available_time": {"second_day_available": True}}},
     [W("V-CS-51", "coupon_use_rule.coupon_available_time.fix_available_time")]),
    ("V-CS-52 week day 7", "create_stock",
     {"coupon_use_rule": {"coupon_available_time": {"fix_available_time": {"available_week_day": [1, 7]}}}},
     [v("V-CS-52", "coupon_use_rule.coupon_available_time.fix_available_time.available_week_day[1]")]),
    ("V-CS-53 begin after end", "create_stock",
     {"coupon_use_rule": {"coupon_available_time": {"fix_available_time": {"begin_time": 100, "end_time": 50}}}},
     [W("V-CS-53", "coupon_use_rule.coupon_available_time.fix_available_time")]),
    ("V-CS-54 space in a goods tag", "create_stock", {"coupon_use_rule": {"goods_tag": ["bad tag"]}},
     [v("V-CS-54", "coupon_use_rule.goods_tag[0]")]),
    ("V-CS-55 empty available_items", "create_stock", {"coupon_use_rule": {"available_items": []}},
     [v("V-CS-55", "coupon_use_rule.available_items")]),
    ("V-CS-56 unavailable_items used", "create_stock", {"coupon_use_rule": {"unavailable_items": ["sku-2"]}},
     [W("V-CS-56", "coupon_use_rule.unavailable_items")]),
    ("V-CS-57 merchant id of 21 characters", "create_stock",
     {"coupon_use_rule": {"available_merchants": ["1" * 21]}},
     [v("V-CS-57", "coupon_use_rule.available_merchants[0]")]),
    ("V-CS-57 no available merchants (warning)", "create_stock",
     {"coupon_use_rule": {"available_merchants": None}},
     [W("V-CS-57", "coupon_use_rule.available_merchants")]),
    ("V-CS-58 two limit_pay items", "create_stock",
     {"coupon_use_rule": {"limit_pay": ["ICBC_CREDIT", "CMB_CREDIT"]}},
     [v("V-CS-58", "coupon_use_rule.limit_pay")]),
    ("V-CS-59 card bin of 5 digits", "create_stock", {"coupon_use_rule": {"limit_card": {"bin": ["12345"]}}},
     [v("V-CS-59", "coupon_use_rule.limit_card.bin[0]")]),
    ("V-CS-60 duplicate trade type", "create_stock", {"coupon_use_rule": {"trade_type": ["MICROAPP", "MICROAPP"]}},
     [v("V-CS-60", "coupon_use_rule.trade_type[1]")]),
    ("V-CS-60 unknown trade type", "create_stock", {"coupon_use_rule": {"trade_type": ["NEWPAY"]}},
     [v("V-CS-60", "coupon_use_rule.trade_type[0]")]),
    ("V-CS-61 discount_coupon sent", "create_stock",
     {"coupon_use_rule": {"discount_coupon": {"discount_amount_max": 100, "discount_percent": 88,
                                              "transaction_minimum": 100}}},
     [W("V-CS-61", "coupon_use_rule.discount_coupon")]),
    # --- pattern_info
    ("V-CS-70 empty description", "create_stock", {"pattern_info": {"description": ""}},
     [v("V-CS-70", "pattern_info.description")]),
    ("V-CS-71 merchant name of 13 Chinese characters", "create_stock",
     {"pattern_info": {"merchant_name": "微信支付微信支付微信支付微"}}, [W("V-CS-71", "pattern_info.merchant_name")]),
    ("V-CS-72 logo URL over 128 characters", "create_stock",
     {"pattern_info": {"merchant_logo": "https://qpic.cn/" + "a" * 120}}, [v("V-CS-72", "pattern_info.merchant_logo")]),
    ("V-CS-73 unknown background colour", "create_stock", {"pattern_info": {"background_color": "COLOR999"}},
     [v("V-CS-73", "pattern_info.background_color")]),
    ("V-CS-74 mini program without path", "create_stock", {"pattern_info": {"mini_program_path": None}},
     [v("V-CS-74", "pattern_info.mini_program_path")]),
    ("V-CS-76 empty-string placeholder", "create_stock", {"pattern_info": {"coupon_image": ""}},
     [W("V-CS-76", "pattern_info.coupon_image")]),
    # --- type
    ("V-CS-80 stock_type DISCOUNT", "create_stock", {"stock_type": "DISCOUNT"}, [v("V-CS-80", "stock_type")]),
    ("V-CS-81 no_cash missing", "create_stock", {"no_cash": None}, [v("V-CS-81", "no_cash")]),
    # --- generic formats
    ("V-G-01 negative daily budget", "create_stock", {"stock_use_rule": {"max_amount_by_day": -1}},
     [v("V-G-01", "stock_use_rule.max_amount_by_day"), v("V-CS-34", "stock_use_rule.max_amount_by_day")]),
    ("V-G-02 emoji in the description", "create_stock", {"pattern_info": {"description": "全场通用🎉"}},
     [v("V-G-02", "pattern_info.description")]),
    ("V-G-03 letters in an available merchant", "create_stock",
     {"coupon_use_rule": {"available_merchants": ["19000000AB"]}},
     [W("V-G-03", "coupon_use_rule.available_merchants[0]")]),
    ("V-G-07 time in Z", "create_stock",
     {"available_begin_time": "2026-11-28T02:00:00Z", "available_end_time": "2026-12-28T02:00:00Z"},
     [W("V-G-07", "available_begin_time"), W("V-G-07", "available_end_time")]),
    # --- send coupon
    ("V-SC-01 openid of 129 characters", "send_coupon", {"openid": "o" * 129}, [v("V-SC-01", "openid")]),
    ("V-SC-02 empty stock_id", "send_coupon", {"stock_id": ""}, [v("V-SC-02", "stock_id")]),
    ("V-SC-03 out_request_no with a space", "send_coupon", {"out_request_no": "1900000001 1"},
     [v("V-SC-03", "out_request_no")]),
    ("V-SC-04 empty appid", "send_coupon", {"appid": ""}, [v("V-SC-04", "appid")]),
    ("V-SC-05 empty stock_creator_mchid", "send_coupon", {"stock_creator_mchid": ""},
     [v("V-SC-05", "stock_creator_mchid")]),
    ("V-SC-06 minimum not above the value", "send_coupon", {"coupon_value": 100, "coupon_minimum": 100},
     [W("V-SC-06", "coupon_value"), W("V-SC-06", "coupon_minimum")]),
    ("V-G-04 appid of unusual shape", "send_coupon", {"appid": "app-1"}, [W("V-G-04", "appid")]),
    ("V-G-05 openid with a dot", "send_coupon", {"openid": "oUpF8u.MuAJO"}, [W("V-G-05", "openid")]),
    ("V-G-06 openid '..'", "send_coupon", {"openid": ".."}, [v("V-G-06", "openid"), W("V-G-05", "openid")]),
    # --- stock actions
    ("V-ST-01 start: empty stock_id", "start_stock", {"stock_id": ""}, [v("V-ST-01", "stock_id")]),
    ("V-ST-01 pause: empty creator", "pause_stock", {"stock_creator_mchid": ""},
     [v("V-ST-01", "stock_creator_mchid")]),
    ("V-ST-01 restart: stock_id of 21 characters", "restart_stock", {"stock_id": "9" * 21},
     [v("V-ST-01", "stock_id")]),
    ("V-ST-01 stop: creator of 21 digits", "stop_stock", {"stock_creator_mchid": "1" * 21},
     [v("V-ST-01", "stock_creator_mchid")]),
    ("V-ST-03 nothing to change", "modify_item_codes", {"add_goods_id_list": None, "delete_goods_id_list": None},
     [W("V-ST-03", "add_goods_id_list")]),
    # --- queries
    ("V-Q-01 limit 11", "list_stocks", {"limit": 11}, [v("V-Q-01", "limit")]),
    ("V-Q-01 negative offset", "list_stocks", {"offset": -1}, [v("V-Q-01", "offset")]),
    ("V-Q-02 start after end", "list_stocks", {"create_start_time": "2026-11-28T00:00:00+08:00"},
     [W("V-Q-02", "create_end_time")]),
    ("V-Q-02 not a time", "list_stocks", {"create_end_time": "yesterday"}, [v("V-Q-02", "create_end_time")]),
    ("V-Q-03 status STOPPED", "list_stocks", {"status": "STOPPED"}, [v("V-Q-03", "status")]),
    ("V-Q-04 empty creator", "get_stock", {"stock_creator_mchid": ""}, [v("V-Q-04", "stock_creator_mchid")]),
    ("V-Q-05 empty coupon_id", "get_coupon", {"coupon_id": ""}, [v("V-Q-05", "coupon_id")]),
    ("V-Q-06 offset 1001", "list_stock_merchants", {"offset": 1001}, [v("V-Q-06", "offset")]),
    ("V-Q-06 limit 51", "list_stock_merchants", {"limit": 51}, [v("V-Q-06", "limit")]),
    ("V-Q-07 offset 501", "list_stock_items", {"offset": 501}, [v("V-Q-07", "offset")]),
    ("V-Q-07 limit 101", "list_stock_items", {"limit": 101}, [v("V-Q-07", "limit")]),
    ("V-Q-08 no merchant filter", "list_user_coupons", {"creator_mchid": None}, [v("V-Q-08", "creator_mchid")]),
    ("V-Q-08 status EXPIRED", "list_user_coupons", {"status": "EXPIRED"}, [v("V-Q-08", "status")]),
    ("V-Q-09 business_type SINGLEUSE", "list_user_coupons", {"business_type": "SINGLEUSE"},
     [W("V-Q-09", "business_type")]),
    # --- callbacks
    ("V-CB-01 empty mchid", "set_callback", {"mchid": ""}, [v("V-CB-01", "mchid")]),
    ("V-CB-01 get: empty mchid", "get_callback", {"mchid": ""}, [v("V-CB-01", "mchid")]),
    ("V-CB-02 empty notify_url", "set_callback", {"notify_url": ""}, [v("V-CB-02", "notify_url")]),
    ("V-CB-03 http notify_url", "set_callback", {"notify_url": "http://merchant.example.com/favor/notify"},
     [v("V-CB-03", "notify_url")]),
    ("V-CB-04 query in notify_url", "set_callback", {"notify_url": "https://merchant.example.com/notify?a=1"},
     [v("V-CB-04", "notify_url")]),
    ("V-CB-04 loopback notify_url", "set_callback", {"notify_url": "https://127.0.0.1/favor/notify"},
     [v("V-CB-04", "notify_url")]),
    # --- image upload
    ("V-IMG-01 .gif file name", "upload_image", {"filename": "logo.gif"}, [v("V-IMG-01", "filename"), W("V-IMG-03", "bytes")]),
    ("V-IMG-02 empty file", "upload_image", {"file_base64": ""}, [v("V-IMG-02", "bytes")]),
    ("V-IMG-03 not a PNG", "upload_image", {"file_base64": base64.b64encode(b"GIF89a-not-a-png").decode()},
     [W("V-IMG-03", "bytes")]),
]


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def gen_validation():
    bases = base_params()
    cases = []
    names = set()
    for name, op, patch, expected in VALIDATION:
        assert name not in names, name
        names.add(name)
        merge_patch(bases[op], patch)  # the patch applies
        cases.append({"name": name, "operation": op, "patch": patch, "expected": expected})
    for op in OPS:
        cases.append({"name": f"{op}: the base is valid", "operation": op, "patch": {}, "expected": []})
    return {"description": "base request + RFC 7386 merge patch -> every violation (see README.md)",
            "client": CLIENT, "bases": bases, "cases": cases}


# ------------------------------------------------------------------- responses

RESP_TS = NOW + 3
RESP_CLIENT = {"mchid": MCHID, "serial": SERIAL, "private_key": "merchant_key.pem",
               "wechatpay_public_key_id": g.PUB_KEY_ID, "wechatpay_public_key": "wechatpay_pub_key.pem",
               "timestamp": RESP_TS}

STOCK_FULL = {
    "stock_id": STOCK, "stock_creator_mchid": MCHID, "stock_name": "满100减10", "status": "running",
    "create_time": "2026-11-27T10:00:00+08:00", "description": "全场通用",
    "stock_use_rule": {"max_coupons": 100, "max_amount": 1000, "max_amount_by_day": 500,
                       "fixed_normal_coupon": {"coupon_amount": 10, "transaction_minimum": 100},
                       "max_coupons_per_user": 3, "coupon_type": "NORMAL", "goods_tag": ["tag_1"],
                       "trade_type": ["MICROAPP"], "combine_use": False, "natural_person_limit": False,
                       "prevent_api_abuse": True},
    "available_begin_time": "2026-11-28T10:00:00+08:00", "available_end_time": "2026-12-28T10:00:00+08:00",
    "distributed_coupons": 7, "no_cash": False, "start_time": "2026-11-27T10:05:00+08:00",
    "singleitem": False, "stock_type": "NORMAL",
}

COUPON_FULL = {
    "stock_creator_mchid": MCHID, "stock_id": STOCK, "coupon_id": "9867041", "coupon_name": "满100减10",
    "status": "SENDED", "description": "全场通用", "create_time": "2026-11-27T10:06:00+08:00",
    "coupon_type": "NORMAL", "no_cash": False, "available_begin_time": "2026-11-28T10:00:00+08:00",
    "available_end_time": "2026-12-28T10:00:00+08:00", "singleitem": False,
    "normal_coupon_information": {"coupon_amount": 10, "transaction_minimum": 100},
}


def drop(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


def responses_table():
    """(name, operation, status, raw body text, expected decoded JSON or {"error": ...})."""
    stock_nulls = dict(STOCK_FULL, description=None, stop_time=None, no_cash=None, card_id=None,
                       cut_to_message=None)
    stock_new_values = dict(STOCK_FULL, status="archived", stock_type="LUCKY_BAG", brand_new_field={"x": 1})
    stock_new_values_expected = dict(STOCK_FULL, status="archived", stock_type="LUCKY_BAG")
    coupon_new = dict(COUPON_FULL, status="FROZEN", coupon_type="CUT_TO", business_type="MULTIUSE",
                      future_flag=True)
    coupon_new_expected = dict(COUPON_FULL, status="FROZEN", coupon_type="CUT_TO", business_type="MULTIUSE")
    return [
        ("create_stock", "create_stock", 200,
         body_json({"stock_id": STOCK, "create_time": "2026-11-27T10:00:00+08:00"}),
         {"stock_id": STOCK, "create_time": "2026-11-27T10:00:00+08:00"}),
        ("start_stock", "start_stock", 200,
         body_json({"start_time": "2026-11-27T10:05:00+08:00", "stock_id": STOCK}),
         {"start_time": "2026-11-27T10:05:00+08:00", "stock_id": STOCK}),
        ("send_coupon", "send_coupon", 200, body_json({"coupon_id": "9867041"}), {"coupon_id": "9867041"}),
        ("pause_stock", "pause_stock", 200,
         body_json({"pause_time": "2026-11-27T11:00:00+08:00", "stock_id": STOCK}),
         {"pause_time": "2026-11-27T11:00:00+08:00", "stock_id": STOCK}),
        ("restart_stock", "restart_stock", 200,
         body_json({"restart_time": "2026-11-27T12:00:00+08:00", "stock_id": STOCK}),
         {"restart_time": "2026-11-27T12:00:00+08:00", "stock_id": STOCK}),
        ("stop_stock", "stop_stock", 200,
         body_json({"stop_time": "2026-11-27T13:00:00+08:00", "stock_id": STOCK}),
         {"stop_time": "2026-11-27T13:00:00+08:00", "stock_id": STOCK}),
        ("list_stocks", "list_stocks", 200,
         body_json({"total_count": 1, "data": [STOCK_FULL], "limit": 10, "offset": 0}),
         {"total_count": 1, "data": [STOCK_FULL], "limit": 10, "offset": 0}),
        ("list_stocks-data-null", "list_stocks", 200,
         body_json({"total_count": 0, "data": None, "limit": 10, "offset": 0}),
         {"total_count": 0, "data": [], "limit": 10, "offset": 0}),
        ("get_stock", "get_stock", 200, body_json(STOCK_FULL), STOCK_FULL),
        ("get_stock-nulls", "get_stock", 200, body_json(stock_nulls), dict(drop(STOCK_FULL, "no_cash"),
                                                                             description="")),
        ("get_stock-new-enum-values-and-unknown-fields", "get_stock", 200, body_json(stock_new_values),
         stock_new_values_expected),
        ("get_coupon", "get_coupon", 200, body_json(COUPON_FULL), COUPON_FULL),
        ("get_coupon-new-enum-values-and-unknown-fields", "get_coupon", 200, body_json(coupon_new),
         coupon_new_expected),
        ("list_stock_merchants", "list_stock_merchants", 200,
         body_json({"total_count": 2, "data": [MCHID, "1900000002"], "offset": 0, "limit": 50,
                    "stock_id": STOCK}),
         {"total_count": 2, "data": [MCHID, "1900000002"], "offset": 0, "limit": 50, "stock_id": STOCK}),
        ("list_stock_items", "list_stock_items", 200,
         body_json({"total_count": 1, "data": ["sku-1"], "offset": 0, "limit": 100, "stock_id": STOCK}),
         {"total_count": 1, "data": ["sku-1"], "offset": 0, "limit": 100, "stock_id": STOCK}),
        ("list_user_coupons", "list_user_coupons", 200,
         body_json({"data": [COUPON_FULL], "total_count": 1, "limit": 20, "offset": 0}),
         {"data": [COUPON_FULL], "total_count": 1, "limit": 20, "offset": 0}),
        ("use_flow", "use_flow", 200,
         body_json({"url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc",
                    "hash_value": "c3bcdf8b0f1f8fef0a5a4bd1a1b1d0d7f1b7a8e3", "hash_type": "SHA1"}),
         {"url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc",
          "hash_value": "c3bcdf8b0f1f8fef0a5a4bd1a1b1d0d7f1b7a8e3", "hash_type": "SHA1"}),
        ("refund_flow", "refund_flow", 200,
         body_json({"url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=def",
                    "hash_value": "0f1f8fef0a5a4bd1a1b1d0d7f1b7a8e3c3bcdf8b", "hash_type": "SHA1"}),
         {"url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=def",
          "hash_value": "0f1f8fef0a5a4bd1a1b1d0d7f1b7a8e3c3bcdf8b", "hash_type": "SHA1"}),
        ("set_callback", "set_callback", 200,
         body_json({"update_time": "2026-11-27T10:00:00+08:00",
                    "notify_url": "https://merchant.example.com/favor/notify"}),
         {"update_time": "2026-11-27T10:00:00+08:00", "notify_url": "https://merchant.example.com/favor/notify"}),
        ("get_callback", "get_callback", 200,
         body_json({"notify_url": "https://merchant.example.com/favor/notify", "mchid": MCHID}),
         {"notify_url": "https://merchant.example.com/favor/notify", "mchid": MCHID}),
        ("upload_image", "upload_image", 200,
         body_json({"media_url": "https://wxpaylogo.qpic.cn/wxpaylogo/PiajxSqBRaEIPAeia7Imvtsc/0"}),
         {"media_url": "https://wxpaylogo.qpic.cn/wxpaylogo/PiajxSqBRaEIPAeia7Imvtsc/0"}),
        ("modify_item_codes", "modify_item_codes", 200,
         body_json({"effect_time": "2026-11-27T10:00:00+08:00", "stock_id": STOCK}),
         {"effect_time": "2026-11-27T10:00:00+08:00", "stock_id": STOCK}),
        ("send_coupon-not-enough", "send_coupon", 403,
         body_json({"code": "NOT_ENOUGH", "message": "批次预算不足"}),
         {"error": {"status": 403, "code": "NOT_ENOUGH"}}),
        ("create_stock-param-error", "create_stock", 400,
         body_json({"code": "PARAM_ERROR", "message": "输入时间格式错误",
                    "detail": {"field": "available_begin_time", "location": "body"}}),
         {"error": {"status": 400, "code": "PARAM_ERROR"}}),
    ]


def gen_responses(k):
    key = g.load_private("wechatpay_pub_private.pem")
    pub = serialization.load_pem_public_key((g.KEYS / "wechatpay_pub_key.pem").read_bytes())
    cases = []
    for i, (name, op, status, body, expected) in enumerate(responses_table()):
        nonce = f"RespNonce{i:02d}" + "x" * 21
        raw = body.encode("utf-8")
        signature = g.sign(key, g.response_message(RESP_TS, nonce, raw))
        assert g.rsa_ok(pub, signature, g.response_message(RESP_TS, nonce, raw)), name
        headers = g.wx_headers(RESP_TS, nonce, signature, g.PUB_KEY_ID, f"req-{i:04d}",
                               extra={"Content-Type": "application/json"})
        cases.append({"name": name, "operation": op, "status": status, "headers": headers, "body": body,
                      "expected": expected})
    return {"description": "raw signed response -> decoded JSON or API error (see README.md)",
            "client": RESP_CLIENT, "cases": cases}


def main(k):
    CORPUS.mkdir(exist_ok=True)
    ops = gen_operations(k)
    val = gen_validation()
    resp = gen_responses(k)
    g.write_json(CORPUS / "operations.json", ops)
    g.write_json(CORPUS / "validation.json", val)
    g.write_json(CORPUS / "responses.json", resp)
    print(f"wrote the corpus under {CORPUS}: {len(ops['cases'])} operation, {len(val['cases'])} validation "
          f"and {len(resp['cases'])} response cases")
