use std::process::ExitCode;

fn main() -> ExitCode {
    let code = match zclab::commands::run() {
        Ok(code) => code,
        Err(err) => {
            let code = zclab::error::exit_code(&err);
            if code != 0 {
                let lang = zclab::lang::chosen();
                let prefix = zclab::text::errors::PREFIX.get(lang);
                eprintln!("{prefix}{}", zclab::error::message(&err, lang));
            }
            ExitCode::from(code)
        }
    };
    // Ctrl-C read as a key (trace, lesson) ends the run cleanly but still
    // exits 130; the documented quit key (q) exits 0.
    if zclab::terminal::ctrl_c_pressed() {
        ExitCode::from(zclab::error::EXIT_INTERRUPTED)
    } else {
        code
    }
}
