"""What PostgreSQL's catalog says about index methods, operator classes and function volatility.

The static checks (check_indexes.py) reject a spec only when these facts make PostgreSQL's
refusal certain. They were read from PostgreSQL 15 with its contrib extensions installed, and
tests/test_catalog_facts.py reads them again from the test server, so a server that disagrees
fails the suite instead of silently misjudging specs:

- DEFAULT_OPCLASS_TYPES: for each index method, the column types `CREATE INDEX ... USING method
  (column)` accepts without an operator class (tried on a column of every type).
- EXTENSION_DEFAULT_OPCLASS_TYPES: the types an extension adds to that list; every other contrib
  extension (NEUTRAL_EXTENSIONS) adds none for built-in types.
- OPCLASSES: every operator class, the extension that ships it ("" for PostgreSQL itself) and the
  methods it exists for.
- NON_IMMUTABLE_FUNCTIONS: pg_catalog functions that have no IMMUTABLE variant (so every call of
  one in an index expression is refused, whatever its argument types).
"""

from __future__ import annotations

#: the key types are looked up by: the canonical base ("double_precision" for the two words),
#: "[]" for an array, "enum" for any enum
_DEFAULTS = """
btree:
    bigint bigint[] bit bit[] boolean boolean[] box[] bytea bytea[] char char[] cidr cidr[]
    circle[] date date[] datemultirange datemultirange[] daterange daterange[] double_precision
    double_precision[] enum enum[] inet inet[] int4multirange int4multirange[] int4range
    int4range[] int8multirange int8multirange[] int8range int8range[] integer integer[]
    interval interval[] json[] jsonb jsonb[] line[] lseg[] macaddr macaddr8 macaddr8[]
    macaddr[] money money[] numeric numeric[] nummultirange nummultirange[] numrange numrange[]
    oid oid[] path[] pg_lsn pg_lsn[] point[] polygon[] real real[] regclass regclass[] smallint
    smallint[] text text[] time time[] timestamp timestamp[] timestamptz timestamptz[] timetz
    timetz[] tsmultirange tsmultirange[] tsquery tsquery[] tsrange tsrange[] tstzmultirange
    tstzmultirange[] tstzrange tstzrange[] tsvector tsvector[] uuid uuid[] varbit varbit[]
    varchar varchar[] xml[]
hash:
    bigint bigint[] bit[] boolean boolean[] box[] bytea bytea[] char char[] cidr cidr[]
    circle[] date date[] datemultirange datemultirange[] daterange daterange[] double_precision
    double_precision[] enum enum[] inet inet[] int4multirange int4multirange[] int4range
    int4range[] int8multirange int8multirange[] int8range int8range[] integer integer[]
    interval interval[] json[] jsonb jsonb[] line[] lseg[] macaddr macaddr8 macaddr8[]
    macaddr[] money[] numeric numeric[] nummultirange nummultirange[] numrange numrange[] oid
    oid[] path[] pg_lsn pg_lsn[] point[] polygon[] real real[] regclass regclass[] smallint
    smallint[] text text[] time time[] timestamp timestamp[] timestamptz timestamptz[] timetz
    timetz[] tsmultirange tsmultirange[] tsquery[] tsrange tsrange[] tstzmultirange
    tstzmultirange[] tstzrange tstzrange[] tsvector[] uuid uuid[] varbit[] varchar varchar[]
    xml[]
gin:
    bigint[] bit[] boolean[] bytea[] char[] cidr[] date[] datemultirange[] daterange[]
    double_precision[] enum[] inet[] int4multirange[] int4range[] int8multirange[] int8range[]
    integer[] interval[] jsonb jsonb[] macaddr8[] macaddr[] money[] numeric[] nummultirange[]
    numrange[] oid[] pg_lsn[] real[] regclass[] smallint[] text[] time[] timestamp[]
    timestamptz[] timetz[] tsmultirange[] tsquery[] tsrange[] tstzmultirange[] tstzrange[]
    tsvector tsvector[] uuid[] varbit[] varchar[]
gist:
    box circle datemultirange daterange int4multirange int4range int8multirange int8range
    nummultirange numrange point polygon tsmultirange tsquery tsrange tstzmultirange tstzrange
    tsvector
spgist:
    box cidr daterange inet int4range int8range numrange point polygon text tsrange tstzrange
    varchar
brin:
    bigint bit box bytea char cidr date daterange double_precision inet int4range int8range
    integer interval macaddr macaddr8 numeric numrange oid pg_lsn real regclass smallint text
    time timestamp timestamptz timetz tsrange tstzrange uuid varbit varchar
btree_gin gin:
    bigint bit boolean bytea char cidr date double_precision enum inet integer interval macaddr
    macaddr8 money numeric oid real regclass smallint text time timestamp timestamptz timetz
    uuid varbit varchar
btree_gist gist:
    bigint bit boolean bytea char cidr date double_precision enum inet integer interval macaddr
    macaddr8 money numeric oid real regclass smallint text time timestamp timestamptz timetz
    uuid varbit varchar
intarray gist:
    integer[]
"""

_OPCLASSES = """
postgresql:
    aclitem_ops:hash array_ops:btree,gin,hash bit_minmax_ops:brin bit_ops:btree
    bool_ops:btree,hash box_inclusion_ops:brin box_ops:gist,spgist bpchar_bloom_ops:brin
    bpchar_minmax_ops:brin bpchar_ops:btree,hash bpchar_pattern_ops:btree,hash
    bytea_bloom_ops:brin bytea_minmax_ops:brin bytea_ops:btree,hash char_bloom_ops:brin
    char_minmax_ops:brin char_ops:btree,hash cid_ops:hash cidr_ops:btree,hash circle_ops:gist
    date_bloom_ops:brin date_minmax_multi_ops:brin date_minmax_ops:brin date_ops:btree,hash
    enum_ops:btree,hash float4_bloom_ops:brin float4_minmax_multi_ops:brin
    float4_minmax_ops:brin float4_ops:btree,hash float8_bloom_ops:brin
    float8_minmax_multi_ops:brin float8_minmax_ops:brin float8_ops:btree,hash
    inet_bloom_ops:brin inet_inclusion_ops:brin inet_minmax_multi_ops:brin inet_minmax_ops:brin
    inet_ops:btree,gist,hash,spgist int2_bloom_ops:brin int2_minmax_multi_ops:brin
    int2_minmax_ops:brin int2_ops:btree,hash int4_bloom_ops:brin int4_minmax_multi_ops:brin
    int4_minmax_ops:brin int4_ops:btree,hash int8_bloom_ops:brin int8_minmax_multi_ops:brin
    int8_minmax_ops:brin int8_ops:btree,hash interval_bloom_ops:brin
    interval_minmax_multi_ops:brin interval_minmax_ops:brin interval_ops:btree,hash
    jsonb_ops:btree,gin,hash jsonb_path_ops:gin kd_point_ops:spgist macaddr8_bloom_ops:brin
    macaddr8_minmax_multi_ops:brin macaddr8_minmax_ops:brin macaddr8_ops:btree,hash
    macaddr_bloom_ops:brin macaddr_minmax_multi_ops:brin macaddr_minmax_ops:brin
    macaddr_ops:btree,hash money_ops:btree multirange_ops:btree,gist,hash name_bloom_ops:brin
    name_minmax_ops:brin name_ops:btree,hash numeric_bloom_ops:brin
    numeric_minmax_multi_ops:brin numeric_minmax_ops:brin numeric_ops:btree,hash
    oid_bloom_ops:brin oid_minmax_multi_ops:brin oid_minmax_ops:brin oid_ops:btree,hash
    oidvector_ops:btree,hash pg_lsn_bloom_ops:brin pg_lsn_minmax_multi_ops:brin
    pg_lsn_minmax_ops:brin pg_lsn_ops:btree,hash point_ops:gist poly_ops:gist,spgist
    quad_point_ops:spgist range_inclusion_ops:brin range_ops:btree,gist,hash,spgist
    record_image_ops:btree record_ops:btree,hash text_bloom_ops:brin text_minmax_ops:brin
    text_ops:btree,hash,spgist text_pattern_ops:btree,hash tid_bloom_ops:brin
    tid_minmax_multi_ops:brin tid_minmax_ops:brin tid_ops:btree,hash time_bloom_ops:brin
    time_minmax_multi_ops:brin time_minmax_ops:brin time_ops:btree,hash
    timestamp_bloom_ops:brin timestamp_minmax_multi_ops:brin timestamp_minmax_ops:brin
    timestamp_ops:btree,hash timestamptz_bloom_ops:brin timestamptz_minmax_multi_ops:brin
    timestamptz_minmax_ops:brin timestamptz_ops:btree,hash timetz_bloom_ops:brin
    timetz_minmax_multi_ops:brin timetz_minmax_ops:brin timetz_ops:btree,hash
    tsquery_ops:btree,gist tsvector_ops:btree,gin,gist uuid_bloom_ops:brin
    uuid_minmax_multi_ops:brin uuid_minmax_ops:brin uuid_ops:btree,hash varbit_minmax_ops:brin
    varbit_ops:btree varchar_ops:btree,hash varchar_pattern_ops:btree,hash xid8_ops:btree,hash
    xid_ops:hash
bloom:
    int4_ops:bloom text_ops:bloom
btree_gin:
    bit_ops:gin bool_ops:gin bpchar_ops:gin bytea_ops:gin char_ops:gin cidr_ops:gin
    date_ops:gin enum_ops:gin float4_ops:gin float8_ops:gin inet_ops:gin int2_ops:gin
    int4_ops:gin int8_ops:gin interval_ops:gin macaddr8_ops:gin macaddr_ops:gin money_ops:gin
    name_ops:gin numeric_ops:gin oid_ops:gin text_ops:gin time_ops:gin timestamp_ops:gin
    timestamptz_ops:gin timetz_ops:gin uuid_ops:gin varbit_ops:gin varchar_ops:gin
btree_gist:
    gist_bit_ops:gist gist_bool_ops:gist gist_bpchar_ops:gist gist_bytea_ops:gist
    gist_cash_ops:gist gist_cidr_ops:gist gist_date_ops:gist gist_enum_ops:gist
    gist_float4_ops:gist gist_float8_ops:gist gist_inet_ops:gist gist_int2_ops:gist
    gist_int4_ops:gist gist_int8_ops:gist gist_interval_ops:gist gist_macaddr8_ops:gist
    gist_macaddr_ops:gist gist_numeric_ops:gist gist_oid_ops:gist gist_text_ops:gist
    gist_time_ops:gist gist_timestamp_ops:gist gist_timestamptz_ops:gist gist_timetz_ops:gist
    gist_uuid_ops:gist gist_vbit_ops:gist
citext:
    citext_ops:btree,hash citext_pattern_ops:btree
cube:
    cube_ops:btree gist_cube_ops:gist
hstore:
    btree_hstore_ops:btree gin_hstore_ops:gin gist_hstore_ops:gist hash_hstore_ops:hash
intarray:
    gin__int_ops:gin gist__int_ops:gist gist__intbig_ops:gist
isn:
    ean13_ops:btree,hash isbn13_ops:btree,hash isbn_ops:btree,hash ismn13_ops:btree,hash
    ismn_ops:btree,hash issn13_ops:btree,hash issn_ops:btree,hash upc_ops:btree,hash
ltree:
    gist__ltree_ops:gist gist_ltree_ops:gist ltree_ops:btree
pg_trgm:
    gin_trgm_ops:gin gist_trgm_ops:gist
seg:
    gist_seg_ops:gist seg_ops:btree
"""


def _words(text: str) -> list[str]:
    return text.split()


#: contrib extensions that add no default operator class for a built-in type
NEUTRAL_EXTENSIONS = frozenset(
    _words(
        """
    adminpack amcheck autoinc bloom citext cube dblink dict_int dict_xsyn earthdistance file_fdw
    fuzzystrmatch hstore insert_username intagg isn lo ltree moddatetime old_snapshot
    pageinspect pg_buffercache pg_freespacemap pg_prewarm pg_stat_statements pg_surgery pg_trgm
    pg_visibility pg_walinspect pgcrypto pgrowlocks pgstattuple plpgsql postgres_fdw refint seg
    sslinfo tablefunc tcn tsm_system_rows tsm_system_time unaccent uuid-ossp xml2
    """
    )
)

# Non-immutable in every version that has them; pg_catalog's internal helpers (type I/O,
# selectivity estimators, index method handlers) are left out: nobody writes them in an index.
NON_IMMUTABLE_FUNCTIONS = frozenset(
    _words(
        """
    clock_timestamp col_description concat concat_ws convert convert_from convert_to
    current_database current_query current_schema current_schemas current_setting current_user
    currval cursor_to_xml cursor_to_xmlschema database_to_xml database_to_xml_and_xmlschema
    database_to_xmlschema format format_type gen_random_uuid get_current_ts_config
    getdatabaseencoding getpgusername has_any_column_privilege has_column_privilege
    has_database_privilege has_foreign_data_wrapper_privilege has_function_privilege
    has_language_privilege has_parameter_privilege has_schema_privilege has_sequence_privilege
    has_server_privilege has_table_privilege has_tablespace_privilege has_type_privilege
    inet_client_addr inet_client_port inet_server_addr inet_server_port json_build_array
    json_build_object json_populate_record json_populate_recordset json_to_record
    json_to_recordset jsonb_build_array jsonb_build_object jsonb_path_exists_tz
    jsonb_path_match_tz jsonb_path_query_array_tz jsonb_path_query_first_tz jsonb_path_query_tz
    jsonb_populate_record jsonb_populate_recordset jsonb_to_record jsonb_to_recordset lastval
    make_timestamptz nextval now obj_description pg_backend_pid pg_current_xact_id
    pg_postmaster_start_time pg_trigger_depth query_to_xml query_to_xml_and_xmlschema
    query_to_xmlschema random random_normal row_security_active row_to_json schema_to_xml
    schema_to_xml_and_xmlschema schema_to_xmlschema session_user set_config setseed setval
    shobj_description statement_timestamp table_to_xml table_to_xml_and_xmlschema
    table_to_xmlschema timeofday to_char to_date to_json to_jsonb to_number to_regclass
    to_regcollation to_regnamespace to_regoper to_regoperator to_regproc to_regprocedure
    to_regrole to_regtype transaction_timestamp ts_debug ts_stat txid_current
    txid_current_if_assigned txid_current_snapshot txid_status version
    """
    )
)

#: the index methods that take UNIQUE, more than one key column, ASC/DESC and NULLS FIRST/LAST
#: (pg_indexam_has_property 'can_unique', 'can_multi_col', 'can_order'), and INCLUDE in every
#: supported version ('can_include'; spgist only from PostgreSQL 14, so it is not listed)
UNIQUE_METHODS = frozenset({"btree"})
MULTICOLUMN_METHODS = frozenset({"btree", "gin", "gist", "brin"})
ORDERED_METHODS = frozenset({"btree"})
INCLUDE_METHODS = frozenset({"btree", "gist"})


def _sections(text: str) -> dict[str, frozenset[str]]:
    """`name:` headers, each followed by the words of its indented lines."""
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = out.setdefault(line.rstrip(":"), [])
        else:
            current.extend(line.split())
    return {name: frozenset(words) for name, words in out.items()}


def _defaults() -> tuple[dict[str, frozenset[str]], dict[str, dict[str, frozenset[str]]]]:
    core: dict[str, frozenset[str]] = {}
    extensions: dict[str, dict[str, frozenset[str]]] = {}
    for header, types in _sections(_DEFAULTS).items():
        extension, _, method = header.rpartition(" ")
        if extension:
            extensions.setdefault(extension, {})[method] = types
        else:
            core[method] = types
    return core, extensions


def _opclasses() -> dict[str, dict[str, frozenset[str]]]:
    out: dict[str, dict[str, frozenset[str]]] = {}
    for provider, entries in _sections(_OPCLASSES).items():
        for entry in entries:
            name, _, methods = entry.partition(":")
            out.setdefault(name, {})["" if provider == "postgresql" else provider] = frozenset(
                methods.split(",")
            )
    return out


DEFAULT_OPCLASS_TYPES, EXTENSION_DEFAULT_OPCLASS_TYPES = _defaults()
OPCLASSES = _opclasses()
#: extensions whose effect on index methods is known: the three above and the neutral ones
KNOWN_EXTENSIONS = NEUTRAL_EXTENSIONS | frozenset(EXTENSION_DEFAULT_OPCLASS_TYPES)
