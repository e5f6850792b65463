//! Process exit codes: the one table that `main`, the README and the tests agree on.
//!
//! Owns the numeric contract with shells and pipelines. Refuses to let any other module pick a number:
//! everything that ends the process goes through [`Exit`]. `clap` exits 2 on a usage error, which would
//! read as "changes present" to a pipeline, so usage errors are remapped to [`Exit::USAGE`].

/// A process exit status with a documented meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exit(u8);

impl Exit {
    /// Success; for `plan`, also "no changes".
    pub const OK: Exit = Exit(0);
    /// A runtime failure: ConnectWise unreachable, an apply that did not fully succeed, an I/O error.
    pub const FAILURE: Exit = Exit(1);
    /// `plan --detailed-exitcode`: the plan has changes.
    pub const CHANGES: Exit = Exit(2);
    /// A safety rail blocked the plan or apply.
    pub const BLOCKED: Exit = Exit(3);
    /// `apply`: another apply holds the tenant's lock, still after `--lock-timeout`.
    pub const LOCKED: Exit = Exit(4);
    /// `apply`: a person answered anything but `yes` at the prompt; nothing was applied.
    pub const DECLINED: Exit = Exit(5);
    /// `import` and `reconcile --fail-on-unmapped`: the export holds what the configuration does not
    /// map (accounts without a company, SKUs at a cost without a product).
    pub const UNMAPPED: Exit = Exit(6);
    /// The command line was wrong (unknown flag, missing argument). Follows BSD `EX_USAGE`.
    pub const USAGE: Exit = Exit(64);
    /// The configuration is invalid (YAML syntax, unknown field, failed check). Follows BSD `EX_CONFIG`.
    pub const CONFIG: Exit = Exit(78);

    /// The number the process exits with.
    pub fn code(self) -> u8 {
        self.0
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_are_distinct_and_documented_values() {
        let all = [
            Exit::OK,
            Exit::FAILURE,
            Exit::CHANGES,
            Exit::BLOCKED,
            Exit::LOCKED,
            Exit::DECLINED,
            Exit::UNMAPPED,
            Exit::USAGE,
            Exit::CONFIG,
        ];
        let codes: Vec<u8> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 64, 78]);
    }
}
