"""Implementation events and their sources: what happened, where and when, which provisions
it bears on and how, and the documents that show it (with attached files kept in the
database). Models in `models`, writes in `services`, the file importer in `importer`; the
rules an event must meet are pure (`tracker.domain.events`)."""
