-- govnet inventory, schema version 2: per-node SSH access settings (`govnet node access set`).
-- Overrides of an audit run's defaults and a pinned host key. Never credentials: passwords, keys and
-- passphrases stay outside the inventory. The SSH port is nodes.ssh_port, not repeated here.
CREATE TABLE node_access (
  node_id             TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
  -- Login user for this node instead of the run's --user.
  user                TEXT,
  -- Jump host (bastion) as user@host[:port], instead of the run's --jump.
  jump                TEXT,
  -- Algorithm overrides in ssh_config syntax: "a,b" exact, "+a" append, "^a" prepend, "-a" remove.
  kex                 TEXT,
  host_key_algorithms TEXT,
  ciphers             TEXT,
  macs                TEXT,
  -- Seconds between SSH keepalives; 0 turns them off.
  keepalive_s         INTEGER CHECK (keepalive_s IS NULL OR keepalive_s BETWEEN 0 AND 3600),
  -- A pinned host key, `SHA256:<43 base64 characters>`: checked instead of known_hosts.
  host_key_sha256     TEXT CHECK (host_key_sha256 IS NULL OR (host_key_sha256 LIKE 'SHA256:%' AND length(host_key_sha256) = 50)),
  updated_at          TEXT NOT NULL
) WITHOUT ROWID;
