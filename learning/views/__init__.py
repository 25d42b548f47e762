"""Views, one module per area: organisation, cycles, phase work, the implementation plan."""
