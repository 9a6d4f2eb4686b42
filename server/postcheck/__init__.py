"""postcheck: warns council staff, while they type, when a social media post breaks the policy."""

__version__ = "0.1.0"

__all__ = ["create_app", "__version__"]


def __getattr__(name):
    # The factory is the package's public face, imported on first use: importing the app (Flask, the
    # API, the admin pages, SQLAlchemy) took 1.3 s, and the command line must not pay it for `--help`.
    if name == "create_app":
        from postcheck.app import create_app
        return create_app
    raise AttributeError(f"module 'postcheck' has no attribute {name!r}")
