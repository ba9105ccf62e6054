-- govnet inventory, schema version 6: the scope of a provincial instance (issue 14, `govnet init --scope`).
-- One row per province, prefecture or county code whose subtree the inventory holds; no rows: the
-- whole country. A scoped inventory refuses nodes and tenants outside its subtrees, imports only the
-- divisions of the subtrees and their ancestors, and counts coverage inside the subtrees only
-- (src/domain/scope.ts). Codes never lie inside one another (normalizeScope).
CREATE TABLE inventory_scope (
  code   TEXT PRIMARY KEY CHECK (length(code) IN (2, 4, 6) AND code NOT GLOB '*[^0-9]*'),
  set_at TEXT NOT NULL
) WITHOUT ROWID;
