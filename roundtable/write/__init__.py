"""The write side, one module per capability, all on one write path (`base.WritePath`)."""
