//! `spacefold train`: a network trained headless, its loss, accuracy and time reported.

use super::{SetupArgs, UsageError};
use crate::engine::nn::{Trainer, evaluate};
use crate::engine::setup::describe;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// `spacefold train`'s arguments.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    setup: SetupArgs,
    /// Save the trained network (RON).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Print one JSON object with the results as the last line.
    #[arg(long)]
    json: bool,
}

/// Trains, reports, and saves when asked.
pub fn run(args: &TrainArgs) -> Result<ExitCode, UsageError> {
    let (save, json) = (args.save.as_deref(), args.json);
    // Ctrl-C, SIGTERM and SIGHUP from here on stop the run cleanly, saving nothing.
    crate::engine::interrupt::watch();
    // A typo in --save must not cost the run: checked before anything trains.
    if let Some(path) = save {
        super::check_output("--save", path)?;
        let mut inputs = vec![];
        if let Some(data) = &args.setup.data {
            inputs.push((data.into(), "the data, --data"));
        }
        if let Some(load) = &args.setup.load {
            inputs.push((load.clone(), "the network --load reads"));
        }
        super::check_not_input("--save", path, &inputs)?;
    }
    let r = args.setup.setup().resolve()?;
    eprintln!(
        "training {} on {} ({} train, {} test points) with {}, {}",
        describe(&r.network),
        r.data_label,
        r.train.len(),
        r.test.len(),
        r.config.optimizer,
        if r.config.batch_size == 0 {
            "full batch".to_string()
        } else {
            format!("batches of {}", r.config.batch_size)
        }
    );
    let mut trainer = Trainer::new(r.network.clone(), r.config.clone())?;
    let mut progress = crate::engine::progress::Progress::new(r.epochs);
    let start = Instant::now();
    let outcome = trainer.run_while(&r.train, r.epochs, |s| {
        progress.update(s.epoch, |on_terminal, _| {
            let said = format!("epoch {}/{} loss {:.5}", s.epoch, r.epochs, s.loss);
            if on_terminal {
                let bar = crate::engine::progress::bar(s.epoch, r.epochs, 30, '#', ' ');
                format!("[{bar}] {said}")
            } else {
                said
            }
        });
        !crate::engine::interrupt::interrupted()
    });
    let seconds = start.elapsed().as_secs_f64();
    if let Err(e) = outcome {
        eprintln!("\nerror: {e}");
        if save.is_some() {
            eprintln!("nothing was saved");
        }
        return Ok(ExitCode::from(1));
    }
    if crate::engine::interrupt::interrupted() {
        eprintln!(
            "\ninterrupted at epoch {} of {}; nothing was saved",
            trainer.epoch(),
            r.epochs
        );
        return Ok(ExitCode::from(crate::engine::interrupt::EXIT_CODE));
    }
    let loss = trainer.loss();
    let train_eval = evaluate(trainer.network(), &r.train, Some(loss))?;
    let test_eval = if r.test.is_empty() {
        None
    } else {
        Some(evaluate(trainer.network(), &r.test, Some(loss))?)
    };
    if let Some(path) = save {
        trainer.network().save(path)?;
        eprintln!("saved the network to {}", path.display());
    }
    let test_acc = test_eval.map(|e| e.accuracy);
    if !r.train.names.is_empty() {
        println!("classes         {}", r.train.names.join(", "));
    }
    println!("epochs          {}", trainer.epoch());
    println!("final loss      {:.6}", train_eval.loss);
    println!("train accuracy  {:.2}%", 100.0 * train_eval.accuracy);
    match test_acc {
        Some(a) => println!("test accuracy   {:.2}%", 100.0 * a),
        None => println!("test accuracy   - (no test points)"),
    }
    println!("wall time       {seconds:.3} s");
    if json {
        let mut object = serde_json::json!({
            "epochs": trainer.epoch(),
            "loss": train_eval.loss,
            "train_accuracy": train_eval.accuracy,
            "test_accuracy": test_acc,
            "seconds": seconds,
        });
        if !r.train.names.is_empty() {
            object["classes"] = serde_json::json!(r.train.names);
        }
        println!("{object}");
    }
    Ok(ExitCode::SUCCESS)
}
