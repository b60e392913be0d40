-- The model tables that the measures needing a source Headway does not read yet
-- (catalogue.PLANNED_SOURCES) are written against. When a reader for one of these
-- sources is added, its staging table goes into warehouse/tables.py and these
-- tables (same names and columns) into warehouse/model.sql; until then the measures
-- are skipped. tests/test_catalogue.py binds every measure's SQL against the real
-- model plus these tables, so a measure and this plan cannot drift apart.
-- CREATE ... IF NOT EXISTS: once a table is in the real model, the real one is used.

-- None at present: every measure's sources are read (L06's postcodes became
-- warehouse/placement_distance.py's pl_distance, worked out at load).
