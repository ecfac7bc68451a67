"""Sinch's own Python SDK (PyPI `sinch` 2.x) as a real client of `sinch-ticket mock`.

    python mock_python.py STEP...   (MOCK_URL and the MOCK_* credentials in the environment)

Runs each step named, printing one JSON line per step: {"step", "ok", ...}; a step that
raises prints {"step", "ok": false, "error", "type"} and the others go on.
"""

import json
import os
import sys
import time
import traceback

from sinch import SinchClient

URL = os.environ["MOCK_URL"]
PROJECT = os.environ["MOCK_PROJECT"]
KEY_ID = os.environ["MOCK_KEY_ID"]
KEY_SECRET = os.environ["MOCK_KEY_SECRET"]
PLAN = os.environ["MOCK_PLAN"]
PLAN_TOKEN = os.environ["MOCK_PLAN_TOKEN"]


def client(key_secret=KEY_SECRET):
    made = SinchClient(project_id=PROJECT, key_id=KEY_ID, key_secret=key_secret)
    made.configuration.auth_origin = URL
    made.configuration.sms_origin = URL
    made.configuration.conversation_origin = URL
    made.configuration.numbers_origin = URL
    return made


def attr(value, name):
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def sms():
    sinch = client()
    sent = sinch.sms.batches.send_sms(
        to=["+46700000000", "+46700010001"], from_="+12025550100", body="Hello from Python"
    )
    got = sinch.sms.batches.get(batch_id=sent.id)
    listed = [b.id for b in sinch.sms.batches.list(page_size=10).content()]
    cancelled = sinch.sms.batches.cancel(batch_id=sent.id)
    return {
        "id": sent.id,
        "type": type(sent).__name__,
        "createdIsDatetime": type(got.created_at).__name__ == "datetime",
        "same": got.id == sent.id and got.body == "Hello from Python",
        "listed": sent.id in listed,
        "cancelled": cancelled.canceled,
    }


def sms_service_plan():
    sinch = SinchClient(service_plan_id=PLAN, sms_api_token=PLAN_TOKEN)
    sinch.configuration.sms_origin_with_service_plan_id = URL
    sent = sinch.sms.batches.send_sms(to=["+46700000000"], from_="+12025550100", body="plan")
    got = sinch.sms.batches.get(batch_id=sent.id)
    return {"id": sent.id, "same": got.id == sent.id}


def sms_wrong_key_secret():
    try:
        client("not-the-secret").sms.batches.send_sms(to=["+46700000000"], from_="+1", body="x")
        return {"refused": False}
    except Exception as error:  # the SDK's own error path
        return {"refused": True, "type": type(error).__name__, "error": str(error)[:300]}


def sms_token_expired():
    # Tokens of the mock live one second here: the SDK uses its token until an API answers
    # 401 with "expired", then fetches another and sends the call again.
    sinch = client()
    first = sinch.sms.batches.send_sms(to=["+46700000000"], from_="+1", body="one")
    time.sleep(2.2)
    second = sinch.sms.batches.send_sms(to=["+46700000000"], from_="+1", body="two")
    return {"first": first.id, "second": second.id}


def conversation():
    sinch = client()
    sent = sinch.conversation.messages.send_text_message(
        app_id="01HAPPID0000000000000000AB",
        text="Hello from Python",
        recipient_identities=[{"channel": "SMS", "identity": "+46700000000"}],
    )
    got = sinch.conversation.messages.get(message_id=sent.message_id)
    return {"id": sent.message_id, "same": got.id == sent.message_id}


def numbers():
    sinch = client()
    available = list(
        sinch.numbers.search_for_available_numbers(region_code="US", number_type="LOCAL").content()
    )
    phone = attr(available[0], "phone_number")
    rented = sinch.numbers.rent(phone_number=phone, sms_configuration={"service_plan_id": PLAN})
    active = sinch.numbers.get(phone_number=phone)
    listed = [attr(n, "phone_number") for n in sinch.numbers.list(region_code="US", number_type="LOCAL").content()]
    return {
        "phone": phone,
        "rented": attr(rented, "phone_number") == phone,
        "active": attr(active, "phone_number") == phone,
        "listed": phone in listed,
    }


STEPS = {
    "sms": sms,
    "sms-service-plan": sms_service_plan,
    "sms-wrong-key-secret": sms_wrong_key_secret,
    "sms-token-expired": sms_token_expired,
    "conversation": conversation,
    "numbers": numbers,
}

for name in sys.argv[1:]:
    try:
        result = {"step": name, "ok": True, **STEPS[name]()}
    except Exception as error:
        result = {
            "step": name,
            "ok": False,
            "type": type(error).__name__,
            "error": str(error)[:500],
            "trace": traceback.format_exc()[-1500:],
        }
    print(json.dumps(result, default=str), flush=True)
