-- 18: the communes' contours (issue 27), imported once from a file public bodies publish
-- (GeoJSON or GeoPackage), simplified for drawing, by current INSEE code. Not a record people
-- write: kept in this file and its backups, never journaled, exported or sent (another laptop
-- imports the same public file); a new import replaces the contours of the communes it holds.
-- `shape` is geo::codec's encoding (polygons, rings, millionths of a degree).
CREATE TABLE commune_contour (
    insee       TEXT PRIMARY KEY CHECK (length(insee) = 5),
    shape       BLOB NOT NULL,
    min_lon     REAL NOT NULL,
    min_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL,
    points      INTEGER NOT NULL CHECK (points >= 4),
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;
