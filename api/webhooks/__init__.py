"""Webhooks by the Standard Webhooks specification: subscriptions, signing, fan-out and delivery."""
