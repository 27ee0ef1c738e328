"""The common customer modules, one app each; each declares itself in its module.py."""
