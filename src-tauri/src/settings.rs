//! The app's own settings (language, theme, data folder, verifier page URL),
//! kept as JSON in the OS config folder (`~/.config/backpack/app-settings.json`;
//! `BACKPACK_CONFIG_DIR` moves it). They are not in the data folder because
//! one of them chooses the data folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

pub const SETTINGS_FILE: &str = "app-settings.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Settings {
    /// `system` (follow the OS), `nl` or `en`.
    #[ts(type = r#""system" | "nl" | "en""#)]
    pub language: String,
    /// `system`, `light` or `dark`.
    #[ts(type = r#""system" | "light" | "dark""#)]
    pub theme: String,
    /// Data folder chosen in the app (`None`: the OS default). Used from the next start.
    pub data_dir: Option<String>,
    /// Where shared credentials are verified (the sharing issue); stored only for now.
    pub verifier_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: "system".into(),
            theme: "system".into(),
            data_dir: None,
            verifier_url: String::new(),
        }
    }
}

impl Settings {
    /// Refuse values the app cannot use, with a code per field.
    pub fn validate(&self) -> AppResult<()> {
        if !matches!(self.language.as_str(), "system" | "nl" | "en") {
            return Err(AppError::new("invalid-language", format!("unknown language '{}'", self.language)));
        }
        if !matches!(self.theme.as_str(), "system" | "light" | "dark") {
            return Err(AppError::new("invalid-theme", format!("unknown theme '{}'", self.theme)));
        }
        if let Some(d) = &self.data_dir {
            if !Path::new(d).is_absolute() {
                return Err(AppError::new("invalid-data-dir", "the data folder must be an absolute path"));
            }
        }
        backpack::app::links::verifier_base_or_default(Some(&self.verifier_url))?;
        Ok(())
    }
}

/// Where the settings file lives.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("BACKPACK_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("nl", "Backpack", "backpack").map(|p| p.config_dir().to_path_buf())
}

/// Read settings; a missing or damaged file gives the defaults.
pub fn load(dir: Option<&Path>) -> Settings {
    dir.and_then(|d| std::fs::read(d.join(SETTINGS_FILE)).ok())
        .and_then(|b| serde_json::from_slice::<Settings>(&b).ok())
        .filter(|s| s.validate().is_ok())
        .unwrap_or_default()
}

/// Validate and write settings atomically.
pub fn save(dir: Option<&Path>, s: &Settings) -> AppResult<()> {
    s.validate()?;
    let dir = dir.ok_or_else(|| AppError::new("no-config-dir", "cannot tell where to keep settings"))?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(".app-settings.json.partial");
    std::fs::write(&tmp, serde_json::to_vec_pretty(s).map_err(|e| AppError::new("io", e.to_string()))?)?;
    std::fs::rename(&tmp, dir.join(SETTINGS_FILE))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_validation() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(Some(dir.path())), Settings::default());
        let s = Settings { language: "nl".into(), verifier_url: "https://verify.example.org/".into(), ..Settings::default() };
        save(Some(dir.path()), &s).unwrap();
        assert_eq!(load(Some(dir.path())), s);

        let bad = Settings { verifier_url: "ftp://x".into(), ..Settings::default() };
        assert_eq!(save(Some(dir.path()), &bad).unwrap_err().code(), "invalid-verifier-url");
        let bad = Settings { language: "fr".into(), ..Settings::default() };
        assert_eq!(bad.validate().unwrap_err().code(), "invalid-language");
        let bad = Settings { data_dir: Some("relative/dir".into()), ..Settings::default() };
        assert_eq!(bad.validate().unwrap_err().code(), "invalid-data-dir");
        // The bad values were not written.
        assert_eq!(load(Some(dir.path())), s);
    }
}
