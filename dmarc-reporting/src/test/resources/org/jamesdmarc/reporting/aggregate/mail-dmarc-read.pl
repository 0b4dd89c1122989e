#!/usr/bin/perl
# Reads one aggregate report with Mail::DMARC's own parser (Mail::DMARC::Report::Receive, Debian's
# libmail-dmarc-perl) and prints what it understood as one JSON object on stdout, for MailDmarcInteropTest.
#
#   perl mail-dmarc-read.pl xml  FILE   the report's XML (Receive::handle_body)
#   perl mail-dmarc-read.pl mail FILE   a whole report message, gzip attachment and all (Receive::from_file)
#
# Receive hands what it parsed to its SQL report store (save_aggregate), which needs a configured database; the
# store is not what is tested, so save_aggregate is replaced by one that keeps the parsed report for printing.
# A report Mail::DMARC cannot read makes it die: the message goes to stderr and the exit code is not 0.
use strict;
use warnings;
use JSON::PP;
use Scalar::Util qw(blessed reftype);
use Mail::DMARC::Report::Receive;

my ( $mode, $file ) = @ARGV;
die "usage: $0 xml|mail FILE\n" unless $mode && $file && ( $mode eq 'xml' || $mode eq 'mail' );

my $saved;
{
    no warnings 'redefine';
    *Mail::DMARC::Report::save_aggregate = sub { $saved = $_[0]->aggregate; return 1; };
}

# Receive prints as it goes (the Subject it read): to stderr, so that stdout holds the JSON only.
my $stdout = select(STDERR);
my $receive = Mail::DMARC::Report::Receive->new;
if ( $mode eq 'xml' ) {
    open my $in, '<:raw', $file or die "cannot read $file: $!\n";
    my $xml = do { local $/; <$in> };
    close $in;
    $receive->handle_body($xml);
}
else {
    my $type = $receive->from_file($file);
    die "Mail::DMARC found no aggregate report in $file\n" unless defined $type && $type eq 'aggregate';
}
die "Mail::DMARC parsed nothing\n" unless $saved;
select($stdout);

# Mail::DMARC's objects are blessed hashes: copy them into plain data for JSON.
sub plain {
    my ($v) = @_;
    return $v unless ref $v;
    my $t = reftype $v;
    return { map { $_ => plain( $v->{$_} ) } grep { !/^_/ } keys %$v } if $t eq 'HASH';
    return [ map { plain($_) } @$v ] if $t eq 'ARRAY';
    return "$v";
}

my $meta = $saved->metadata;
my $pol  = $saved->policy_published;
my %out  = (
    metadata => {
        map { $_ => $meta->$_ } qw(org_name email extra_contact_info report_id begin end uuid)
    },
    policy_published => { map { $_ => $pol->{$_} } grep { defined $pol->{$_} } qw(domain adkim aspf p sp pct) },
    records => [ map { plain($_) } @{ $saved->record } ],
);
print JSON::PP->new->canonical->utf8->encode( \%out ), "\n";
