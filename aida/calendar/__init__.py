"""The clinic's calendar beyond its opening hours: closures (holidays, staff days), providers and
visit types. Storage is the store's (`add_closure`, `save_provider`, ...); this package turns a
caller's words into a provider and a visit type (`catalog`), finds free times per provider
(`search`), says closures aloud (`closures`) and gives staff `aida clinic ...` (`cli`)."""
