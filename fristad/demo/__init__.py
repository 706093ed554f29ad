"""The demo: a fictional network to try Fristad with. The top layer: it may use every app."""
