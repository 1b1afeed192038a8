//! The people service's [`Settings`] from the command line ([`PeopleArgs`]): the
//! settings are built here, beside the service, so that `config` stays a leaf of
//! command-line types and depends on no service that reads it.

use super::Settings;
use crate::commands::config::PeopleArgs;
use crate::foundation::mail::Mailer;
use crate::gate::auth::password::Hasher;

impl Settings {
    /// The settings `args` describe (the mailer is built here: a bad URL stops startup).
    pub fn from_args(args: &PeopleArgs, public_url: Option<&url::Url>) -> anyhow::Result<Self> {
        let mailer = match &args.smtp_url {
            Some(url) => Some(Mailer::new(url, &args.smtp_from)?),
            None => None,
        };
        Ok(Self {
            mailer,
            public_url: public_url.map(|u| u.as_str().trim_end_matches('/').to_owned()),
            login_failures_per_email: args.login_failures_per_email,
            login_failures_per_client: args.login_failures_per_client,
            login_failures_per_account: args.login_failures_per_account,
            hasher: match args.password_hashers {
                0 => Hasher::default(),
                n => Hasher::new(n),
            },
            invitations_per_day: args.invitations_per_day,
        })
    }
}
