package awsproto

import "testing"

func TestFieldResource(t *testing.T) {
	type input struct {
		ResourceARN     string
		ApplicationName *string
	}
	res := FieldResource(AsAWSARN("ResourceARN"), ResourceField{Name: "ApplicationName", ARN: func(region, account, name string) string {
		return "arn:aws:kinesisanalytics:" + region + ":" + account + ":application/" + name
	}})
	c := Caller{AccountID: "111111111111", Region: "us-east-1"}
	name := "app"
	for _, tt := range []struct {
		in   any
		want string
	}{
		{&input{ResourceARN: "arn:aws:kinesisanalytics:us-east-1:111111111111:application/a"}, "arn:aws:kinesisanalytics:us-east-1:111111111111:application/a"},
		// A partition the service takes as its own is evaluated as aws.
		{&input{ResourceARN: "arn:aws-x:kinesisanalytics:us-east-1:111111111111:application/a"}, "arn:aws:kinesisanalytics:us-east-1:111111111111:application/a"},
		{&input{ApplicationName: &name}, "arn:aws:kinesisanalytics:us-east-1:111111111111:application/app"},
		{&input{}, "*"},
		{nil, "*"},
		{(*input)(nil), "*"},
		{"not a struct", "*"},
	} {
		if got := res(c, "Op", tt.in); got != tt.want {
			t.Errorf("%#v: %s, want %s", tt.in, got, tt.want)
		}
	}
}
