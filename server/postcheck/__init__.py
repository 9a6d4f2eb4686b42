"""postcheck: warns council staff, while they type, when a social media post breaks the policy."""

__version__ = "0.1.0"

from postcheck.app import create_app  # noqa: E402  (the factory is the package's public face)

__all__ = ["create_app", "__version__"]
