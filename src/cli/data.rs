//! `spacefold data`: a built-in data set written as CSV.

use super::UsageError;
use crate::engine::nn::data::DatasetSpec;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `spacefold data`'s arguments.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// The data set's name, optionally with parameters: `spiral:arms=3`.
    name: String,
    /// Parameters as key=value.
    params: Vec<String>,
    /// Output file (standard output if absent).
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// Writes the data set.
pub fn run(args: &DataArgs) -> Result<ExitCode, UsageError> {
    let (mut spec, mut options) = DatasetSpec::parse(&args.name)?;
    for pair in &args.params {
        spec.set_pair(pair, &mut options)?;
    }
    if let Some(path) = &args.csv {
        super::check_output("--csv", path)?;
        super::check_not_input("--csv", path, &vec![])?;
    }
    let data = spec.generate();
    match &args.csv {
        Some(path) => {
            data.save_csv(path)?;
            eprintln!(
                "wrote {} points ({} features, {} classes) of {} to {}",
                data.len(),
                data.dim(),
                data.classes,
                spec.to_arg(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(data.to_csv().as_bytes())
                .map_err(|e| UsageError(format!("cannot write to standard output: {e}")))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
