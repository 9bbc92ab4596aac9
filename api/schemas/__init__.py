"""Request and response models. Inputs forbid unknown fields, so a typo in an import is an error, not a no-op."""
