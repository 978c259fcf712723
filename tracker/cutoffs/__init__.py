"""Published cut-offs: figures fixed as known at the moment of publication, their revisions,
what changed between two cut-offs, and the officials' brief (page and PDF).

The blueprint lives in `routes` (imported by the app factory, not here, so that the models
module can import `cutoffs.models` without pulling in the views)."""
