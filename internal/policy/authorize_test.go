package policy

import "testing"

// TestAuthorize follows AWS's "policy evaluation for requests within a
// single account" and "cross-account policy evaluation logic".
func TestAuthorize(t *testing.T) {
	var (
		identityAllows = mustParse(t, identityDoc(`{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}`), Identity)
		identityDenies = mustParse(t, identityDoc(`{"Effect":"Deny","Action":"kinesis:PutRecord","Resource":"*"}`), Identity)
		identityOther  = mustParse(t, identityDoc(`{"Effect":"Allow","Action":"kinesis:GetRecords","Resource":"*"}`), Identity)
		resourceAllows = mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","444455556666"]},"Action":"kinesis:PutRecord","Resource":"`+orders+`"}}`, Resource)
		resourceDenies = mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"kinesis:PutRecord","Resource":"`+orders+`"}}`, Resource)
		resourceOther  = mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kinesis:PutRecord","Resource":"`+orders+`"}}`, Resource)
	)
	allowed := Decision{Allowed: true}
	implicit := Decision{}
	deniedByIdentity := Decision{Explicit: true, By: "identity-based policy"}
	deniedByResource := Decision{Explicit: true, By: "resource-based policy"}

	sameAccount := put(orders) // alice, of the stream's account
	crossAccount := put(orders)
	crossAccount.Principal = stranger

	tests := []struct {
		name         string
		req          Request
		identity     []*Document
		unrestricted bool
		resource     *Document
		want         Decision
	}{
		{"same account, identity allows", sameAccount, []*Document{identityAllows}, false, nil, allowed},
		{"same account, resource allows", sameAccount, nil, false, resourceAllows, allowed},
		{"same account, both allow", sameAccount, []*Document{identityAllows}, false, resourceAllows, allowed},
		{"same account, neither", sameAccount, []*Document{identityOther}, false, resourceOther, implicit},
		{"same account, no policies", sameAccount, nil, false, nil, implicit},
		{"same account, identity deny beats resource allow", sameAccount, []*Document{identityDenies}, false, resourceAllows, deniedByIdentity},
		{"same account, deny in one identity policy of several", sameAccount, []*Document{identityAllows, identityDenies}, false, nil, deniedByIdentity},
		{"same account, resource deny beats identity allow", sameAccount, []*Document{identityAllows}, false, resourceDenies, deniedByResource},
		{"same account, unrestricted", sameAccount, nil, true, nil, allowed},
		{"same account, unrestricted, resource deny", sameAccount, nil, true, resourceDenies, deniedByResource},
		{"same account, unrestricted, identity deny still counts", sameAccount, []*Document{identityDenies}, true, nil, deniedByIdentity},

		{"cross-account, identity only", crossAccount, []*Document{identityAllows}, false, nil, implicit},
		{"cross-account, identity and a resource policy for someone else", crossAccount, []*Document{identityAllows}, false, resourceOther, implicit},
		{"cross-account, resource only", crossAccount, nil, false, resourceAllows, implicit},
		{"cross-account, resource and an identity policy for something else", crossAccount, []*Document{identityOther}, false, resourceAllows, implicit},
		{"cross-account, both", crossAccount, []*Document{identityAllows}, false, resourceAllows, allowed},
		{"cross-account, resource deny", crossAccount, []*Document{identityAllows}, false, resourceDenies, deniedByResource},
		{"cross-account, identity deny", crossAccount, []*Document{identityDenies}, false, resourceAllows, deniedByIdentity},
		{"cross-account, unrestricted still needs the resource side", crossAccount, nil, true, nil, implicit},
		{"cross-account, unrestricted and resource allows", crossAccount, nil, true, resourceAllows, allowed},
		{"nil identity entries are skipped", sameAccount, []*Document{nil, identityAllows}, false, nil, allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Authorize(tt.req, tt.identity, tt.unrestricted, tt.resource, home); got != tt.want {
				t.Errorf("Authorize = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestAuthorizeUnknownAccount: a caller or resource without an account is
// never in the same account, so one side alone never suffices.
func TestAuthorizeUnknownAccount(t *testing.T) {
	identity := mustParse(t, identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), Identity)
	req := put(orders)
	req.Principal.Account = ""
	if got := Authorize(req, []*Document{identity}, false, nil, ""); got.Allowed {
		t.Fatalf("empty accounts treated as the same account: %+v", got)
	}
}
