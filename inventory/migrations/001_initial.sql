-- govnet inventory, schema version 1.
-- Released migrations are never edited: add a new numbered file instead.

-- Administrative divisions, NBS statistical codes (统计用区划代码).
-- The level follows from the code's length, the parent from its prefix (src/domain/divisions.ts).
-- Rows are never deleted by a re-import, so nodes that point at an old code keep working.
CREATE TABLE divisions (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('province', 'prefecture', 'county', 'township', 'village')),
  parent_code TEXT REFERENCES divisions (code),
  source      TEXT NOT NULL,
  imported_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX divisions_parent ON divisions (parent_code);
CREATE INDEX divisions_level ON divisions (level, code);

-- Extranet nodes (政务外网 backbone and township extension).
CREATE TABLE nodes (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  division_code      TEXT NOT NULL REFERENCES divisions (code),
  tier               TEXT NOT NULL CHECK (tier IN ('national', 'provincial', 'prefecture', 'county', 'township')),
  role               TEXT NOT NULL CHECK (role IN ('core', 'aggregation', 'access')),
  mgmt_address       TEXT NOT NULL,
  ssh_port           INTEGER NOT NULL DEFAULT 22 CHECK (ssh_port BETWEEN 1 AND 65535),
  platform           TEXT NOT NULL CHECK (platform IN ('huawei-vrp', 'h3c-comware', 'cisco-ios', 'linux')),
  uplink_id          TEXT REFERENCES nodes (id),
  bandwidth_mbps     INTEGER CHECK (bandwidth_mbps IS NULL OR bandwidth_mbps > 0),
  status             TEXT NOT NULL CHECK (status IN ('planned', 'active', 'degraded', 'decommissioned')),
  -- Denormalised from node_audits by the audit repository, so coverage and metrics need no scan.
  last_audit_at      TEXT,
  last_audit_outcome TEXT,
  last_seen_at       TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX nodes_division_status ON nodes (division_code, status);
CREATE INDEX nodes_uplink ON nodes (uplink_id);
CREATE INDEX nodes_tier ON nodes (tier);

CREATE TABLE node_tags (
  node_id TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  tag     TEXT NOT NULL,
  PRIMARY KEY (node_id, tag)
) WITHOUT ROWID;
CREATE INDEX node_tags_tag ON node_tags (tag, node_id);

-- One row per SSH audit of a node (written by src/audit as each node completes).
CREATE TABLE node_audits (
  id               INTEGER PRIMARY KEY,
  node_id          TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  started_at       TEXT NOT NULL,
  finished_at      TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  reason           TEXT,
  facts            TEXT,
  host_key_sha256  TEXT,
  duration_ms      INTEGER NOT NULL
);
CREATE INDEX node_audits_node_time ON node_audits (node_id, finished_at);

-- Government cloud tenants (政务云).
CREATE TABLE tenants (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  department_name   TEXT NOT NULL,
  department_uscc   TEXT NOT NULL,
  region            TEXT NOT NULL,
  mlps_level        INTEGER NOT NULL CHECK (mlps_level BETWEEN 1 AND 4),
  exposure          TEXT NOT NULL CHECK (exposure IN ('extranet', 'internet', 'both')),
  quota_vcpu        INTEGER NOT NULL CHECK (quota_vcpu > 0),
  quota_ram_gib     INTEGER NOT NULL CHECK (quota_ram_gib > 0),
  quota_storage_gib INTEGER NOT NULL CHECK (quota_storage_gib > 0),
  cidr              TEXT,
  filing_number     TEXT,
  last_assessed_on  TEXT,
  status            TEXT NOT NULL CHECK (status IN ('requested', 'provisioning', 'active', 'failed', 'decommissioned')),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tenants_level_status ON tenants (mlps_level, status);

-- MLPS 2.0 baseline controls, synchronised from inventory/baselines on open.
CREATE TABLE baseline_controls (
  id          TEXT NOT NULL,
  level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  title       TEXT NOT NULL,
  requirement TEXT NOT NULL,
  source      TEXT NOT NULL,
  enforced_by TEXT NOT NULL CHECK (enforced_by IN ('record', 'stack', 'operator')),
  parameters  TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (level, id)
) WITHOUT ROWID;

-- Every create, update and delete, single or imported.
CREATE TABLE changes (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
  before    TEXT,
  after     TEXT
);
CREATE INDEX changes_entity ON changes (entity, entity_id, id);
CREATE INDEX changes_at ON changes (at);

-- Small key/value facts about the inventory itself (baseline data hash, …).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
