// Migration 3: the blob collector's lease (docs/storage.md, "Collection"). One row per
// collector; a node collects only while it holds the row's lease, so that one node of the
// cluster collects at a time. Claimed, renewed and released by single statements
// (pg_statements.cc: rm_claim_collector_lease, rm_release_collector_lease).
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kCollectorLeaseV3[] = R"sql(
CREATE TABLE collector_lease (
  name        TEXT PRIMARY KEY,                          -- 'blobs'
  holder      TEXT NOT NULL DEFAULT '',                  -- the collecting node's id; '': none
  expires_at  TIMESTAMPTZ NOT NULL DEFAULT to_timestamp(0)
);
INSERT INTO collector_lease (name) VALUES ('blobs');
)sql";

}  // namespace ringmail::postgres
