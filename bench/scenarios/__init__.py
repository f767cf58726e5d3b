"""The measurements, one module per group of the performance budget (docs/benchmarks.md):
`baseline`, `init`, `switch` (asw), `refresh`, `prompt`, `directory` (cd), `completion`
(tab), `memory`, `sync`, `peers`, `credentials` (export, exec, the credential server),
`everyday` (list, status), `imports`. Each group function takes the run's `common.Ctx` and
appends `Row`s to it; a measurement that fails gives an `n/a` row that says why, never a dead
bench (see `common.guarded`)."""
