//! E-mail over SMTP (`lettre`), when `HERALD_SMTP_URL` is set: `smtp://host:port`
//! (plain, for a local relay or a test sink), `smtps://…` (TLS) or
//! `smtp://…?tls=required` (STARTTLS), with credentials in the URL's user info. The URL
//! is a secret (it may carry a password) and is never logged whole.

use crate::foundation::secret::Secret;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Mailbox;
use lettre::message::{Body, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;

/// One e-mail. `Debug` leaves the body out: it may carry a single-use link.
#[derive(Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// A stable id (e.g. of the notification it carries), so a message sent twice after
    /// a crash can be recognised by its receiver.
    pub id: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("id", &self.id)
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .finish()
    }
}

/// The text part: 7-bit as written when it is ASCII with lines within RFC 5322's 998
/// characters (so a long link stays whole and clickable for any reader; lettre itself
/// would quote-print lines over 76), else the encoding lettre picks.
fn body(text: &str) -> SinglePart {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let plain =
        crlf.is_ascii() && !crlf.contains('\0') && crlf.split("\r\n").all(|l| l.len() <= 998);
    let body = match plain {
        true => Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::SevenBit),
        false => Body::new(crlf),
    };
    SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body)
}

/// Sends mail. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("not an e-mail address: {0}")]
    Address(String),
    #[error("the message could not be built")]
    Build(#[source] lettre::error::Error),
    #[error("the SMTP server refused or could not be reached")]
    Smtp(#[source] lettre::transport::smtp::Error),
}

impl Mailer {
    /// A mailer for `HERALD_SMTP_URL`, sending as `from` (`HERALD_SMTP_FROM`).
    pub fn new(url: &Secret, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| anyhow::anyhow!("HERALD_SMTP_URL is not a usable SMTP URL: {e}"))?
            .build();
        let from = from
            .parse()
            .map_err(|_| anyhow::anyhow!("HERALD_SMTP_FROM is not an address: {from}"))?;
        Ok(Self { inner: Arc::new(Inner { transport, from }) })
    }

    #[tracing::instrument(skip_all, fields(id = %mail.id))]
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::Address(mail.to.clone()))?;
        let domain = self.inner.from.email.domain().to_owned();
        let message = Message::builder()
            .from(self.inner.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<{}@{domain}>", mail.id)))
            .singlepart(body(&mail.text))
            .map_err(MailError::Build)?;
        self.inner.transport.send(message).await.map_err(MailError::Smtp)?;
        Ok(())
    }
}
