"""LanguageTool's `/v2` protocol on top of the same engine, so LanguageTool clients get the policy checks."""
