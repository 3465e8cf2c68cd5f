//! `aws ec2 get-password-data --priv-launch-key KEY`: the Windows
//! password EC2 returns is encrypted with the key pair's public key
//! (RSA, PKCS #1 v1.5); the CLI decrypts it with the private key file and
//! prints it in place of the encrypted data
//! (`awscli.customizations.ec2.decryptpassword`).

use aws_lc_rs::rsa::{Pkcs1PrivateDecryptingKey, PrivateDecryptingKey};
use base64::Engine as _;

/// The CLI's words for any failure to decrypt.
const UNABLE: &str = "Unable to decrypt password data using provided private key file.";

/// Decrypts base64 `data` with the PEM private key `pem`
/// (`-----BEGIN RSA PRIVATE KEY-----`, as EC2 hands key pairs out, or a
/// PKCS #8 `-----BEGIN PRIVATE KEY-----`).
pub fn decrypt(data: &str, pem: &str) -> Result<String, String> {
    let (label, der) =
        pem_body(pem).ok_or_else(|| format!("{UNABLE} (it is not a PEM private key)"))?;
    let pkcs8 = match label.as_str() {
        "RSA PRIVATE KEY" => pkcs8_of_rsa(&der),
        "PRIVATE KEY" => der,
        other => {
            return Err(format!(
                "{UNABLE} (a PEM `{other}` is not an RSA private key)"
            ));
        }
    };
    let key = PrivateDecryptingKey::from_pkcs8(&pkcs8)
        .map_err(|e| format!("{UNABLE} (the key is not a usable RSA key: {e})"))?;
    let key = Pkcs1PrivateDecryptingKey::new(key).map_err(|_| UNABLE.to_owned())?;
    let cipher = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| format!("{UNABLE} (the password data is not base64)"))?;
    let mut plain = vec![0u8; key.min_output_size()];
    let plain = key
        .decrypt(&cipher, &mut plain)
        .map_err(|_| format!("{UNABLE} (it is not the key the instance was launched with)"))?;
    String::from_utf8(plain.to_vec()).map_err(|_| UNABLE.to_owned())
}

/// The label and the decoded body of the first PEM block.
fn pem_body(pem: &str) -> Option<(String, Vec<u8>)> {
    let begin = pem.find("-----BEGIN ")?;
    let rest = &pem[begin + 11..];
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].to_owned();
    let body_start = label_end + 5;
    let end = rest.find(&format!("-----END {label}-----"))?;
    let body: String = rest[body_start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    Some((label, der))
}

/// A PKCS #1 `RSAPrivateKey` inside a PKCS #8 `PrivateKeyInfo`
/// (`rsaEncryption`, version 0), which the crypto library reads.
fn pkcs8_of_rsa(pkcs1: &[u8]) -> Vec<u8> {
    const VERSION: [u8; 3] = [0x02, 0x01, 0x00];
    const RSA_ENCRYPTION: [u8; 15] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut octets = vec![0x04];
    der_length(&mut octets, pkcs1.len());
    octets.extend_from_slice(pkcs1);
    let inner_len = VERSION.len() + RSA_ENCRYPTION.len() + octets.len();
    let mut out = vec![0x30];
    der_length(&mut out, inner_len);
    out.extend_from_slice(&VERSION);
    out.extend_from_slice(&RSA_ENCRYPTION);
    out.extend_from_slice(&octets);
    out
}

fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::{KeySize, Pkcs1PublicEncryptingKey};

    /// The `RSAPrivateKey` inside a `PrivateKeyInfo`: the last element,
    /// an OCTET STRING.
    fn pkcs1_of(pkcs8: &[u8]) -> Vec<u8> {
        let mut i = 0;
        let skip_header = |i: &mut usize| -> usize {
            *i += 1;
            let first = pkcs8[*i] as usize;
            *i += 1;
            if first < 0x80 {
                first
            } else {
                let n = first & 0x7f;
                let len = pkcs8[*i..*i + n]
                    .iter()
                    .fold(0, |a, b| (a << 8) | *b as usize);
                *i += n;
                len
            }
        };
        skip_header(&mut i); // outer SEQUENCE
        let version = skip_header(&mut i);
        i += version;
        let algorithm = skip_header(&mut i);
        i += algorithm;
        let len = skip_header(&mut i); // OCTET STRING
        pkcs8[i..i + len].to_vec()
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn passwords_encrypted_to_the_key_pair_decrypt() {
        let key = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = key.as_der().unwrap();
        let public = Pkcs1PublicEncryptingKey::new(key.public_key()).unwrap();
        let mut cipher = vec![0u8; public.ciphertext_size()];
        let cipher = public.encrypt(b"Pa55w0rd!xyz", &mut cipher).unwrap();
        let data = base64::engine::general_purpose::STANDARD.encode(cipher);

        let rsa_pem = pem("RSA PRIVATE KEY", &pkcs1_of(pkcs8.as_ref()));
        assert_eq!(decrypt(&data, &rsa_pem).unwrap(), "Pa55w0rd!xyz");
        let pkcs8_pem = pem("PRIVATE KEY", pkcs8.as_ref());
        assert_eq!(decrypt(&data, &pkcs8_pem).unwrap(), "Pa55w0rd!xyz");

        let other = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let other_pem = pem(
            "RSA PRIVATE KEY",
            &pkcs1_of(other.as_der().unwrap().as_ref()),
        );
        assert!(decrypt(&data, &other_pem).unwrap_err().starts_with(UNABLE));
        assert!(decrypt(&data, "not a key").unwrap_err().starts_with(UNABLE));
        assert!(decrypt("%%%", &rsa_pem).unwrap_err().starts_with(UNABLE));
    }
}
