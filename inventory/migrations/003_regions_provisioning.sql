-- govnet inventory, schema version 3: cloud regions and what provisioning holds in them
-- (`govnet region …`, `govnet tenant preview|up|destroy|refresh`).

-- Cloud regions (政务云资源池). Address lists are JSON arrays of canonical IPv4 CIDRs
-- (src/domain/regions.ts validates them; pools never overlap each other).
CREATE TABLE regions (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL,
  pools                TEXT NOT NULL CHECK (json_valid(pools) AND json_array_length(pools) > 0),
  extranet_ranges      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(extranet_ranges)),
  capacity_vcpu        INTEGER NOT NULL CHECK (capacity_vcpu > 0),
  capacity_ram_gib     INTEGER NOT NULL CHECK (capacity_ram_gib > 0),
  capacity_storage_gib INTEGER NOT NULL CHECK (capacity_storage_gib > 0),
  -- The highest MLPS level the platform is rated for: it never hosts a system graded above it.
  max_mlps_level       INTEGER NOT NULL CHECK (max_mlps_level BETWEEN 1 AND 4),
  -- OpenStack external (extranet) network that tenant routers attach to.
  external_network     TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
) WITHOUT ROWID;

-- One subnet per tenant zone, carved from the region's pools by the local target's dynamic
-- provider, released on destroy. Written in IMMEDIATE transactions that check for overlap first;
-- the unique constraint is the backstop if two writers ever raced for the same block.
-- first_address/last_address are the block's bounds as integers, for the overlap query.
CREATE TABLE network_allocations (
  tenant_id     TEXT NOT NULL REFERENCES tenants (id),
  zone          TEXT NOT NULL,
  region_id     TEXT NOT NULL REFERENCES regions (id),
  cidr          TEXT NOT NULL,
  first_address INTEGER NOT NULL,
  last_address  INTEGER NOT NULL CHECK (last_address >= first_address),
  allocated_at  TEXT NOT NULL,
  PRIMARY KEY (tenant_id, zone),
  UNIQUE (region_id, cidr)
) WITHOUT ROWID;
CREATE INDEX network_allocations_region ON network_allocations (region_id, first_address);

-- Quota reserved against the region's capacity, one row per tenant.
CREATE TABLE quota_reservations (
  tenant_id   TEXT PRIMARY KEY REFERENCES tenants (id),
  region_id   TEXT NOT NULL REFERENCES regions (id),
  vcpu        INTEGER NOT NULL CHECK (vcpu > 0),
  ram_gib     INTEGER NOT NULL CHECK (ram_gib > 0),
  storage_gib INTEGER NOT NULL CHECK (storage_gib > 0),
  reserved_at TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX quota_reservations_region ON quota_reservations (region_id);

-- The security rules and control settings rendered for a tenant from its level's baseline, for audit.
CREATE TABLE tenant_rule_sets (
  tenant_id      TEXT PRIMARY KEY REFERENCES tenants (id),
  mlps_level     INTEGER NOT NULL CHECK (mlps_level BETWEEN 1 AND 4),
  default_action TEXT NOT NULL CHECK (default_action = 'deny'),
  rules          TEXT NOT NULL CHECK (json_valid(rules)),
  controls       TEXT NOT NULL CHECK (json_valid(controls)),
  recorded_at    TEXT NOT NULL
) WITHOUT ROWID;

-- The last provisioning operation of each tenant's stack: written back by src/provision.
-- Never secrets: outputs hold networks, quota and the rule-set summary only.
CREATE TABLE tenant_provisioning (
  tenant_id         TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  target            TEXT NOT NULL CHECK (target IN ('local', 'openstack')),
  stack             TEXT NOT NULL,
  last_operation    TEXT NOT NULL CHECK (last_operation IN ('preview', 'up', 'destroy', 'refresh')),
  last_operation_at TEXT NOT NULL,
  outcome           TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  reason            TEXT,
  outputs           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(outputs))
) WITHOUT ROWID;
