package cli

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/settings"
)

// loadFlags are the flags of loading an experiment, shared by run and
// validate: global controls, and how a remote SOURCE is fetched.
type loadFlags struct {
	controlFlags
	noVerifyTLS bool
}

func (l *loadFlags) register(cmd *cobra.Command) {
	l.controlFlags.register(cmd)
	cmd.Flags().BoolVar(&l.noVerifyTLS, "no-verify-tls", false, "do not verify the TLS certificate of an https:// SOURCE")
}

// sourceOptions are the options of loading SOURCE: a remote one is sent
// the settings' auths for its host and verified as --no-verify-tls says.
func (l *loadFlags) sourceOptions(set *settings.Settings) []experiment.Option {
	return []experiment.Option{experiment.WithAuthorization(set.Auth), experiment.WithTLSVerify(!l.noVerifyTLS)}
}

// withTLSHint adds to an error of a certificate that cannot be verified
// how to load the experiment anyway.
func withTLSHint(err error) error {
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return fmt.Errorf("%w (--no-verify-tls loads it without verifying the certificate)", err)
	}
	return err
}
