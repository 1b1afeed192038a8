//! A local SMTP sink: a real SMTP server on a loopback port that accepts every message
//! and keeps it, so tests see exactly which mails Herald sent (`HERALD_SMTP_URL` =
//! [`SmtpSink::url`]). Plain SMTP (no TLS, no auth), enough for lettre's client.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// One message as received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (dot-unstuffed).
    pub data: String,
}

impl Mail {
    /// The value of a header (first occurrence), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

#[derive(Clone, Default)]
pub struct SmtpSink {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    arrived: Arc<Notify>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink { port: listener.local_addr().unwrap().port(), ..Default::default() };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(server.clone().session(stream));
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits until at least `n` mails arrived (or panics after `within`).
    pub async fn wait_for(&self, n: usize, within: std::time::Duration) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("{} of {n} mails arrived: {mails:#?}", mails.len());
            }
        }
    }

    /// The mails so far once `done` holds for them, or when `within` has passed
    /// (then `done` may not hold: the caller asserts).
    pub async fn mails_once(
        &self,
        within: std::time::Duration,
        done: impl Fn(&[Mail]) -> bool,
    ) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            let mails = self.mails();
            if done(&mails) || tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.mails();
            }
        }
    }

    /// The notification mails among what arrived (invitations come here too), once
    /// there are at least `n` (or `within` passed).
    pub async fn notification_mails(&self, n: usize, within: std::time::Duration) -> Vec<Mail> {
        let notice = |m: &Mail| m.header("Subject").is_some_and(|s| !s.contains("invited"));
        let mails =
            self.mails_once(within, |all| all.iter().filter(|m| notice(m)).count() >= n).await;
        mails.into_iter().filter(notice).collect()
    }

    async fn session(self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 herald-test-sink ESMTP\r\n").await;
        let (mut from, mut to, mut data, mut in_data) =
            (String::new(), Vec::new(), String::new(), false);
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    let mail = Mail {
                        from: from.clone(),
                        to: std::mem::take(&mut to),
                        data: std::mem::take(&mut data),
                    };
                    self.mails.lock().unwrap().push(mail);
                    self.arrived.notify_waiters();
                    let _ = write.write_all(b"250 queued\r\n").await;
                } else {
                    data.push_str(
                        line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line),
                    );
                    data.push('\n');
                }
                continue;
            }
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-herald-test-sink\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("HELO")
                || upper.starts_with("RSET")
                || upper.starts_with("NOOP")
            {
                b"250 ok\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                from = address(&line);
                b"250 ok\r\n"
            } else if upper.starts_with("RCPT TO:") {
                to.push(address(&line));
                b"250 ok\r\n"
            } else if upper.starts_with("DATA") {
                in_data = true;
                b"354 go ahead\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"502 not implemented\r\n"
            };
            let _ = write.write_all(reply).await;
        }
    }
}

fn address(line: &str) -> String {
    let start = line.find('<').map_or(line.len(), |i| i + 1);
    let end = line.rfind('>').unwrap_or(line.len());
    line.get(start..end).unwrap_or_default().to_owned()
}
