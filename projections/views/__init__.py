"""The projection, one module per capability; `projections/projector.py` gathers them."""
