//! Secrets at rest (sender account passwords): XChaCha20-Poly1305 under `SECRET_KEY`, a
//! fresh random nonce per value, stored as base64(nonce ‖ ciphertext).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

#[derive(Debug, thiserror::Error)]
#[error("a stored secret could not be decrypted (was SECRET_KEY changed?)")]
pub struct DecryptError;

#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// Uses the first 32 bytes of the key (config requires at least 32).
    pub fn new(key: &[u8]) -> Self {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&key[..32]);
        SecretBox {
            cipher: XChaCha20Poly1305::new(&bytes.into()),
        }
    }

    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .expect("encryption of a short secret cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        STANDARD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Result<String, DecryptError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| DecryptError)?;
        if bytes.len() < 24 {
            return Err(DecryptError);
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| DecryptError)?;
        String::from_utf8(plain).map_err(|_| DecryptError)
    }
}

#[cfg(test)]
mod tests {
    use super::SecretBox;

    #[test]
    fn seals_and_opens_with_fresh_nonces() {
        let key = [7u8; 32];
        let secret_box = SecretBox::new(&key);
        let a = secret_box.seal("hunter2-password");
        let b = secret_box.seal("hunter2-password");
        assert_ne!(a, b, "a fresh nonce every time");
        assert!(!a.contains("hunter2"));
        assert_eq!(secret_box.open(&a).unwrap(), "hunter2-password");
        assert!(
            SecretBox::new(&[8u8; 32]).open(&a).is_err(),
            "another key cannot open it"
        );
        assert!(secret_box.open("garbage").is_err());
    }
}
