use std::process::ExitCode;

fn main() -> ExitCode {
    match zclab::commands::run() {
        Ok(code) => code,
        Err(err) => {
            let code = zclab::error::exit_code(&err);
            if code != 0 {
                eprintln!("zclab: {err:#}");
            }
            ExitCode::from(code)
        }
    }
}
