"""The rules of webhook delivery: the retry schedule, success, disabling, the lease and what is signed."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from domain.webhooks import (
    DISABLE_AFTER,
    MAX_ATTEMPTS,
    REQUEST_TIMEOUT,
    AttemptOutcome,
    key_from_secret,
    lease_length,
    outcome_of,
    retry_delay,
    secret_from_key,
    should_disable,
    signature_header,
    signed_content,
    signing_secrets,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_retries_follow_the_specifications_example_schedule_without_jitter():
    delays = [retry_delay(n, 0.0) for n in range(1, MAX_ATTEMPTS)]
    assert delays == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
    ]


def test_retries_go_on_for_at_least_24_hours():
    assert sum((retry_delay(n, 0.0) for n in range(1, MAX_ATTEMPTS)), timedelta(0)) >= timedelta(hours=24)


def test_a_delivery_has_failed_after_its_last_attempt():
    assert retry_delay(MAX_ATTEMPTS, 0.5) is None


def test_jitter_only_stretches_a_wait_by_up_to_a_tenth():
    assert retry_delay(1, 0.0) == timedelta(seconds=5)
    assert timedelta(seconds=5) < retry_delay(1, 0.999) < timedelta(seconds=5.5)
    with pytest.raises(ValueError):
        retry_delay(1, 1.0)


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_answer_is_a_delivery(status: int):
    assert outcome_of(status) is AttemptOutcome.DELIVERED


@pytest.mark.parametrize("status", [None, 301, 302, 400, 404, 429, 500, 503])
def test_redirects_errors_and_no_answer_are_retried(status: int | None):
    assert outcome_of(status) is AttemptOutcome.RETRY


def test_410_gone_is_not_retried():
    assert outcome_of(410) is AttemptOutcome.GONE


def test_a_subscription_is_disabled_only_after_failing_for_the_whole_schedule():
    assert DISABLE_AFTER.total_seconds() >= 24 * 3600
    assert not should_disable(None, NOW)  # the last attempt succeeded
    assert not should_disable(NOW - DISABLE_AFTER + timedelta(seconds=1), NOW)
    assert should_disable(NOW - DISABLE_AFTER, NOW)


def test_a_lease_outlasts_every_request_of_its_batch_timing_out():
    assert lease_length(1, 1) > REQUEST_TIMEOUT
    assert lease_length(50, 10) > REQUEST_TIMEOUT * 5
    assert lease_length(50, 10) == lease_length(41, 10)


def test_the_previous_secret_signs_too_until_it_expires():
    assert signing_secrets("whsec_new", "whsec_old", NOW + timedelta(seconds=1), NOW) == ["whsec_new", "whsec_old"]
    assert signing_secrets("whsec_new", "whsec_old", NOW, NOW) == ["whsec_new"]
    assert signing_secrets("whsec_new", "whsec_old", None, NOW) == ["whsec_new"]
    assert signing_secrets("whsec_new", None, None, NOW) == ["whsec_new"]


def test_a_secret_is_whsec_and_the_base64_of_its_key():
    key = bytes(range(32))
    secret = secret_from_key(key)
    assert secret.startswith("whsec_") and key_from_secret(secret) == key
    for wrong in ("no-prefix", "whsec_", "whsec_not base64!"):
        with pytest.raises(ValueError):
            key_from_secret(wrong)


def test_the_signature_covers_the_id_the_timestamp_and_the_body_and_is_v1_base64():
    content = signed_content("msg_1", 1700000000, '{"a":1}')
    assert content == b'msg_1.1700000000.{"a":1}'
    first, second = (hmac.new(k, content, hashlib.sha256).digest() for k in (b"k1", b"k2"))
    header = signature_header([first, second])
    assert header == f"v1,{base64.b64encode(first).decode()} v1,{base64.b64encode(second).decode()}"
