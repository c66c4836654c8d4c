"""Run citetool as `python -m citetool`."""

from .cli import main

main()
