"""Layer 3, the official SDKs: recorded interactions replayed through them (imports http and cassettes)."""
