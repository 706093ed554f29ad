#!/usr/bin/env python
"""Django's command-line utility; ``fristad`` (the console script) does the same."""

from fristad.cli import main

if __name__ == "__main__":
    main()
