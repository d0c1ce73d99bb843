// Turns `[storage]` (docs/config.md) into opened stores: the metadata store (SQLite or
// PostgreSQL) and the blob store (a directory or S3). Nothing here runs them: the server's
// StorageService checks them on a reactor and collects blobs while serving.
//
// Every error is printable as it is and names the key at fault, without repeating its value
// (a database URL may hold a password): "PATH:LINE: [storage]: blobs: reason". kConfig means
// the configuration cannot work (a bad URL, no credentials, a missing bucket, a database newer
// than this binary) and the daemon exits 2; kUnavailable (and kTimeout, kBusy) that a store
// could not be reached, which `unavailable-at-start` decides about.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"
#include "server/config.h"
#include "store/blob_store.h"
#include "store/metadata_store.h"
#include "store/postgres/pg_store.h"
#include "store/s3/s3_blob_store.h"

namespace ringmail {

// The opened stores. They must outlive every reactor that uses them, and `workers` (the pool
// given to OpenStores) must outlive them.
struct Stores {
  std::unique_ptr<MetadataStore> metadata;
  std::unique_ptr<BlobStore> blobs;
  // `blobs` when it is S3: its bucket is checked at start, and its connections must be closed
  // on every core (S3BlobStore::CloseConnections) before that core's reactor stops.
  S3BlobStore* s3 = nullptr;
  // `metadata` when it is PostgreSQL: its schema is migrated (on a worker) at the start-up
  // check, which is where an unreachable database is found.
  PostgresMetadataStore* postgres = nullptr;
  WorkerPool* workers = nullptr;  // OpenStores's
};

// Opens both stores: SQLite (creating the file and running migrations), a blob directory
// (created if missing), or an S3 client (no I/O yet: see CheckStores). A local store that
// cannot be opened is a kConfig error: the configured path is unusable.
// Blocking; on the main thread before the reactors start. REQUIRES: the signals the main
// thread waits for are blocked already (the SQLite store thread starts here and inherits the
// mask). `workers` resolves a DNS-name S3 endpoint.
Result<Stores> OpenStores(const Config& config, WorkerPool* workers);

// OpenStores's first half: the metadata store alone (the administration CLI needs no blobs).
Result<void> OpenMetadataStore(const Config& config, WorkerPool* workers, Stores* stores);

// Why a store failed its start-up check.
struct StoreProblem {
  std::string store;  // "metadata" or "blobs"
  Error error;        // as the store reported it (for logs)
  Error located;      // the same, its message prefixed as above (to print before exiting)
};

// One start-up check of every store that lives elsewhere (PostgreSQL: connect and migrate, on
// a worker; S3: HEAD of the bucket); local stores were checked by opening them. One attempt each,
// with the store's own retries inside. On a reactor core; `stores` and `config` must outlive the
// task.
Task<std::optional<StoreProblem>> CheckStores(Stores* stores, const Config* config);

// True for errors that mean "could not be reached, may work later": kUnavailable, kTimeout,
// kBusy. Everything else found at start is final.
bool IsUnavailable(const Error& error);

}  // namespace ringmail
