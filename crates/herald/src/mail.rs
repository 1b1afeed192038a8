//! E-mail over SMTP (`lettre`), when `HERALD_SMTP_URL` is set: `smtp://host:port`
//! (plain, for a local relay or a test sink), `smtps://…` (TLS) or
//! `smtp://…?tls=required` (STARTTLS), with credentials in the URL's user info. The URL
//! is a secret (it may carry a password) and is never logged whole.

use crate::secret::Secret;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
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
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())
            .map_err(MailError::Build)?;
        self.inner.transport.send(message).await.map_err(MailError::Smtp)?;
        Ok(())
    }
}
