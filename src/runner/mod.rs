//! Scheduling sessions onto zygote workers. The runner never writes to the
//! terminal: it hands every event to a callback on the calling thread.
//!
//! ```text
//! kata (main thread)          dispatcher threads (one per worker)     zygotes
//!  sessions ──queue──────────▶ pop job, write it to the zygote ─────▶ fork child per job
//!  reporter ◀──mpsc PoolEvent── read WorkerEvents, watch for death ◀── block / done events
//! ```

mod pool;

pub(crate) use pool::{PoolEvent, PoolOptions, run_pool, terminate_workers, worker_command};
