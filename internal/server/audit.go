package server

import (
	"log/slog"

	"sluice/internal/audit"
	"sluice/internal/awsproto"
	"sluice/internal/config"
)

// openAudit opens the audit log of --audit-log; nil without one.
func openAudit(cfg config.Config, log *slog.Logger) (*audit.Log, error) {
	if cfg.AuditLog == "" {
		return nil, nil
	}
	return audit.Open(audit.Options{Path: cfg.AuditLog, MaxFileBytes: cfg.AuditLogMaxBytes, Region: cfg.Region, Logger: log})
}

// auditor hands the wire layer's calls to the audit log: every call of the
// control plane, and the data plane's denied calls (audit.DataPlane says
// which is which).
type auditor struct{ log *audit.Log }

// newAuditor is the handlers' Auditor: nil (no interface value at all)
// without an audit log.
func newAuditor(log *audit.Log) awsproto.Auditor {
	if log == nil {
		return nil
	}
	return auditor{log: log}
}

func (a auditor) Audits(signingName, operation string) bool {
	return !audit.DataPlane(signingName, operation)
}

func (a auditor) Record(c awsproto.Call) {
	call := audit.Call{
		Time:        c.Time,
		Service:     c.SigningName,
		Operation:   c.Operation,
		AccountID:   c.Caller.AccountID,
		AccessKeyID: c.AccessKeyID,
		Region:      c.Caller.Region,
		SourceIP:    c.SourceIP,
		UserAgent:   c.UserAgent,
		RequestID:   c.RequestID,
		Params:      c.Params,
	}
	if who := c.Caller.Auth; who != nil {
		call.PrincipalARN, call.PrincipalID = who.Principal.ARN, who.UserID
	}
	if c.Err != nil {
		call.ErrorCode, call.ErrorMessage = c.Err.Code.Name, c.Err.Message
	}
	a.log.Record(call)
}
