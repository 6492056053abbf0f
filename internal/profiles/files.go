// Package profiles reads the AWS shared config and credentials files
// (named CLI profiles), audits them against the practices orgaudit checks
// (no long-term keys in [default], keys only in source profiles, role
// profiles that resolve and can be used), and writes the role profiles a
// principal can use, from the access graph.
//
// Secrets never leave this package: a secret access key or session token
// is only ever checked for presence, and access key ids are kept masked
// (AKIA…WXYZ).
package profiles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"gopkg.in/ini.v1"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/input"
)

// Keys of the shared files that orgaudit reads.
const (
	keyAccessKeyID     = "aws_access_key_id"
	keySecretAccessKey = "aws_secret_access_key"
	keySessionToken    = "aws_session_token"
	keyRoleARN         = "role_arn"
	keySourceProfile   = "source_profile"
	keyCredentialSrc   = "credential_source"
	keyMFASerial       = "mfa_serial"
	keySessionName     = "role_session_name"
	keyExternalID      = "external_id"
	keyRegion          = "region"
	keySSOSession      = "sso_session"
	keySSOStartURL     = "sso_start_url"
	keyCredProcess     = "credential_process"
	keyWebIdentity     = "web_identity_token_file"

	// DefaultProfile is the profile the CLI and SDKs use when none is named.
	DefaultProfile = "default"
)

// Profile is one named profile, merged from both files as the SDK merges
// them (values of the credentials file win).
type Profile struct {
	Name string `json:"name"`
	// Files lists the files that define the profile.
	Files []string `json:"files"`

	RoleARN          string `json:"role_arn,omitempty"`
	SourceProfile    string `json:"source_profile,omitempty"`
	CredentialSource string `json:"credential_source,omitempty"`
	MFASerial        string `json:"mfa_serial,omitempty"`
	RoleSessionName  string `json:"role_session_name,omitempty"`
	ExternalID       string `json:"external_id,omitempty"`
	Region           string `json:"region,omitempty"`
	// SSO is set for IAM Identity Center profiles (sso_session or
	// sso_start_url).
	SSO bool `json:"sso,omitempty"`
	// Process is set when credential_process or web_identity_token_file
	// provides credentials.
	Process bool `json:"process,omitempty"`

	// Keys describes static keys held by the profile, nil when it holds
	// none (both an access key id and a secret are needed, as the SDK
	// requires).
	Keys *Keys `json:"keys,omitempty"`

	// lines are the lines of the profile's section headers, by file.
	lines map[string]int
}

// Keys describes static credentials without revealing them.
type Keys struct {
	// MaskedID is the access key id as AKIA…WXYZ.
	MaskedID string `json:"access_key_id"`
	// LongTerm is set for IAM user keys (no session token, not ASIA…).
	LongTerm bool `json:"long_term"`
	// File is the file that holds them.
	File string `json:"file"`
}

// Files is the content of the shared config and credentials files.
type Files struct {
	ConfigPath      string
	CredentialsPath string
	// ConfigMode and CredentialsMode are the files' permission bits, 0
	// when the file does not exist.
	ConfigMode      fs.FileMode
	CredentialsMode fs.FileMode
	// Profiles are sorted by name.
	Profiles []Profile
	// Ignored lists config-file sections the SDK ignores (a name without
	// the "profile " prefix, other than default), as "file: [section]".
	Ignored []string
}

// Profile returns the profile with the given name.
func (f *Files) Profile(name string) (*Profile, bool) {
	i, ok := slices.BinarySearchFunc(f.Profiles, name, func(p Profile, n string) int { return strings.Compare(p.Name, n) })
	if !ok {
		return nil, false
	}
	return &f.Profiles[i], true
}

// Locate returns the file and line a finding of Check is about: the
// section of its profile (in the file that holds the keys, for the rules
// about keys), or the file itself; "" when it names neither.
func (f *Files) Locate(fd engine.Finding) (string, int) {
	name, isProfile := strings.CutPrefix(fd.Resource, "profile:")
	if !isProfile {
		if fd.Resource == f.ConfigPath || fd.Resource == f.CredentialsPath {
			return fd.Resource, 1
		}
		return "", 0
	}
	p, ok := f.Profile(name)
	if !ok || len(p.Files) == 0 {
		return "", 0
	}
	file := p.Files[0]
	if p.Keys != nil && (fd.RuleID == RuleDefaultKeys || fd.RuleID == RuleKeysOutsideSrc) {
		file = p.Keys.File
	}
	return file, p.lines[file]
}

// Locations are the files the SDK reads: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/config and
// ~/.aws/credentials. Explicit paths win over both.
func Locations(configPath, credentialsPath string) (string, string, error) {
	env, err := config.NewEnvConfig()
	if err != nil {
		return "", "", fmt.Errorf("read AWS environment: %w", err)
	}
	if configPath == "" {
		configPath = env.SharedConfigFile
	}
	if configPath == "" {
		configPath = config.DefaultSharedConfigFilename()
	}
	if credentialsPath == "" {
		credentialsPath = env.SharedCredentialsFile
	}
	if credentialsPath == "" {
		credentialsPath = config.DefaultSharedCredentialsFilename()
	}
	return configPath, credentialsPath, nil
}

// Load reads both files, each at most maxSize bytes
// (input.DefaultMaxSize when not positive), stopping when ctx is done. A
// file that does not exist is empty (as for the SDK) unless required says
// it was named explicitly.
func Load(ctx context.Context, configPath, credentialsPath string, configRequired, credentialsRequired bool, maxSize int64) (*Files, error) {
	cfg, cfgMode, err := readFile(ctx, configPath, configRequired, maxSize)
	if err != nil {
		return nil, err
	}
	creds, credMode, err := readFile(ctx, credentialsPath, credentialsRequired, maxSize)
	if err != nil {
		return nil, err
	}
	f, err := Parse(configPath, cfg, credentialsPath, creds)
	if err != nil {
		return nil, err
	}
	f.ConfigMode, f.CredentialsMode = cfgMode, credMode
	return f, nil
}

func readFile(ctx context.Context, path string, required bool, maxSize int64) ([]byte, fs.FileMode, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	raw, err := input.ReadFile(ctx, path, maxSize)
	if input.IsTooLarge(err) {
		return nil, 0, err
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	return raw, st.Mode().Perm(), nil
}

// section is one profile section of one file.
type section struct {
	file   string
	name   string
	line   int
	values map[string]string
}

// headerLines maps each section name of an INI file to the line of its
// first header, for reports that point at a profile.
func headerLines(data []byte) map[string]int {
	out := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "[") {
			continue
		}
		end := strings.IndexByte(line, ']')
		if end < 0 {
			continue
		}
		name := strings.Join(strings.Fields(line[1:end]), " ")
		if _, seen := out[name]; !seen {
			out[name] = i + 1
		}
	}
	return out
}

// Parse parses the content of the config and credentials files (either
// may be empty). Errors never quote the files' content, which may hold
// secrets.
func Parse(configPath string, configData []byte, credentialsPath string, credentialsData []byte) (*Files, error) {
	out := &Files{ConfigPath: configPath, CredentialsPath: credentialsPath, Profiles: []Profile{}}
	cfg, err := parseINI(configPath, configData)
	if err != nil {
		return nil, err
	}
	creds, err := parseINI(credentialsPath, credentialsData)
	if err != nil {
		return nil, err
	}
	var sections []section
	cfgLines, credLines := headerLines(configData), headerLines(credentialsData)
	// Config file: [default] and [profile NAME]; [profile default] counts
	// as default; sso-session and services sections are not profiles;
	// anything else is ignored by the SDK.
	for _, s := range cfg.Sections() {
		name := s.Name()
		switch {
		case name == ini.DefaultSection:
			if len(s.Keys()) > 0 {
				out.Ignored = append(out.Ignored, configPath+": keys before the first section")
			}
			continue
		case strings.HasPrefix(name, "profile "):
			name = strings.TrimSpace(strings.TrimPrefix(name, "profile "))
		case name == DefaultProfile:
		case strings.HasPrefix(name, "sso-session "), strings.HasPrefix(name, "services "):
			continue
		default:
			out.Ignored = append(out.Ignored, fmt.Sprintf("%s: [%s]", configPath, name))
			continue
		}
		sections = append(sections, section{file: configPath, name: name, line: cfgLines[s.Name()], values: values(s)})
	}
	// Credentials file: [NAME]; sections with the "profile " prefix are
	// ignored by the SDK.
	for _, s := range creds.Sections() {
		name := s.Name()
		switch {
		case name == ini.DefaultSection:
			if len(s.Keys()) > 0 {
				out.Ignored = append(out.Ignored, credentialsPath+": keys before the first section")
			}
			continue
		case strings.HasPrefix(name, "profile "):
			out.Ignored = append(out.Ignored, fmt.Sprintf("%s: [%s]", credentialsPath, name))
			continue
		}
		sections = append(sections, section{file: credentialsPath, name: name, line: credLines[s.Name()], values: values(s)})
	}
	byName := map[string]*Profile{}
	for _, s := range sections {
		p, ok := byName[s.name]
		if !ok {
			p = &Profile{Name: s.name, lines: map[string]int{}}
			byName[s.name] = p
		}
		if !slices.Contains(p.Files, s.file) {
			p.Files = append(p.Files, s.file)
			p.lines[s.file] = s.line
		}
		p.merge(s)
	}
	for _, p := range byName {
		out.Profiles = append(out.Profiles, *p)
	}
	slices.SortFunc(out.Profiles, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// merge applies a section's values over the profile's (later files win,
// as in the SDK: the credentials file is read after the config file).
func (p *Profile) merge(s section) {
	set := func(dst *string, key string) {
		if v, ok := s.values[key]; ok {
			*dst = v
		}
	}
	set(&p.RoleARN, keyRoleARN)
	set(&p.SourceProfile, keySourceProfile)
	set(&p.CredentialSource, keyCredentialSrc)
	set(&p.MFASerial, keyMFASerial)
	set(&p.RoleSessionName, keySessionName)
	set(&p.ExternalID, keyExternalID)
	set(&p.Region, keyRegion)
	if s.values[keySSOSession] != "" || s.values[keySSOStartURL] != "" {
		p.SSO = true
	}
	if s.values[keyCredProcess] != "" || s.values[keyWebIdentity] != "" {
		p.Process = true
	}
	id, secret := s.values[keyAccessKeyID], s.values[keySecretAccessKey]
	if id != "" && secret != "" {
		temporary := s.values[keySessionToken] != "" || strings.HasPrefix(id, "ASIA")
		p.Keys = &Keys{MaskedID: MaskKeyID(id), LongTerm: !temporary, File: s.file}
	}
}

// values returns a section's keys (lowercased) and values, trimmed.
func values(s *ini.Section) map[string]string {
	out := map[string]string{}
	for _, k := range s.Keys() {
		out[strings.ToLower(strings.TrimSpace(k.Name()))] = strings.TrimSpace(k.Value())
	}
	return out
}

// parseINI parses one file with the options that match the AWS CLI's
// format (nested values such as "s3 =" followed by indented keys, inline
// comments after whitespace).
func parseINI(path string, data []byte) (*ini.File, error) {
	if len(data) == 0 {
		return ini.Empty(), nil
	}
	f, err := ini.LoadSources(ini.LoadOptions{
		InsensitiveKeys:          true,
		AllowNestedValues:        true,
		SpaceBeforeInlineComment: true,
		// The SDK knows no backslash continuation.
		IgnoreContinuation: true,
	}, data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid INI file%s (the line is not shown: it may hold a secret)", path, errorLine(data, err))
	}
	return f, nil
}

// errorLine finds the line an INI error is about without quoting it.
func errorLine(data []byte, err error) string {
	var line string
	var d ini.ErrDelimiterNotFound
	switch {
	case errors.As(err, &d):
		line = d.Line
	default:
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 {
			line = msg[i+2:]
		}
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return ""
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == line {
			return fmt.Sprintf(" at line %d", i+1)
		}
	}
	return ""
}

// MaskKeyID shows an access key id as its first and last four characters,
// AKIA…WXYZ; shorter values are fully masked.
func MaskKeyID(id string) string {
	id = strings.TrimSpace(id)
	if len(id) < 12 {
		return "…"
	}
	return id[:4] + "…" + id[len(id)-4:]
}
