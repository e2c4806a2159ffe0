"""The read side, one module per capability, all on one read path (`base.ReadPath`)."""
