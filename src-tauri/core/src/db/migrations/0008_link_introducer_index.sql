-- 8: who introduced a link, indexed: the actor card counts and lists the links an actor
-- introduced, and deleting an actor clears them (ON DELETE SET NULL), without reading a
-- million links each time.
CREATE INDEX link_introduced_by_actor ON link(introduced_by_actor) WHERE introduced_by_actor IS NOT NULL;
