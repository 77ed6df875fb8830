//! Background work started by requests or timers: imports (and, later, campaign sending).

pub mod imports;
