import RESP
import Testing

@testable import RcliCore

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// `reply` given `shape` and printed by the JSON formatter (nil when the shape does not apply).
private func json(_ shape: ReplyShape, _ reply: RESPValue, quoted: Bool = false) -> String? {
    guard let value = shape.structure(reply) else { return nil }
    var out: [UInt8] = []
    JSONFormatter(quoted: quoted).format(value, into: &out)
    return String(decoding: out.dropLast(), as: UTF8.self)
}

private func json(_ shape: ReplyShape, text: String) -> String? { json(shape, .bulkString(b(text))) }

@Test func infoSectionsFieldsAndTypes() {
    let text = """
        # Server\r
        redis_version:7.0.15\r
        redis_git_sha1:00000000\r
        redis_build_id:12345678\r
        uptime_in_seconds:12\r
        rdb_last_bgsave_time_sec:-1\r
        executable:/usr/bin/redis-server\r
        config_file:\r
        \r
        # Memory\r
        used_memory:965840\r
        used_memory_peak_perc:100.19%\r
        mem_fragmentation_ratio:7.49\r
        allocator_frag_ratio:nan\r
        big:99999999999999999999\r
        \r
        # Modules\r
        \r
        # Keyspace\r
        db0:keys=1,expires=0,avg_ttl=0\r

        """
    #expect(
        json(.info, text: text)
            == #"{"server":{"redis_version":"7.0.15","redis_git_sha1":"00000000","redis_build_id":"12345678","#
            + #""uptime_in_seconds":12,"rdb_last_bgsave_time_sec":-1,"executable":"/usr/bin/redis-server","#
            + #""config_file":""},"memory":{"used_memory":965840,"used_memory_peak_perc":"100.19%","#
            + #""mem_fragmentation_ratio":7.49,"allocator_frag_ratio":"nan","big":"99999999999999999999"},"#
            + #""modules":{},"keyspace":{"db0":{"keys":1,"expires":0,"avg_ttl":0}}}"#)
}

@Test func infoListsBecomeObjects() {
    let text = """
        # Commandstats
        cmdstat_set:calls=1,usec=17,usec_per_call=17.00,rejected_calls=0,failed_calls=0
        # Errorstats
        errorstat_ERR:count=2
        # Latencystats
        latency_percentiles_usec_set:p50=17.023,p99=17.023,p99.9=17.023
        # Replication
        slave0:ip=::1,port=6380,state=online,offset=42,lag=0
        # Modules
        module:name=search,ver=20000,api=1,filters=0,usedby=[],using=[ReJSON|timeseries],options=[handle-io-errors]
        # Server
        listener0:name=tcp,bind=*,bind=-::*,port=6379
        """
    #expect(
        json(.info, text: text)
            == #"{"commandstats":{"cmdstat_set":{"calls":1,"usec":17,"usec_per_call":17.00,"rejected_calls":0,"#
            + #""failed_calls":0}},"errorstats":{"errorstat_ERR":{"count":2}},"latencystats":"#
            + #"{"latency_percentiles_usec_set":{"p50":17.023,"p99":17.023,"p99.9":17.023}},"replication":"#
            + #"{"slave0":{"ip":"::1","port":6380,"state":"online","offset":42,"lag":0}},"modules":{"search":"#
            + #"{"name":"search","ver":20000,"api":1,"filters":0,"usedby":[],"using":["ReJSON","timeseries"],"#
            + #""options":["handle-io-errors"]}},"server":{"listener0":{"name":"tcp","bind":["*","-::*"],"#
            + #""port":6379}}}"#
    )
}

@Test func infoOfOneSectionRESP3AndClusterInfo() {
    #expect(
        json(.info, .verbatim(format: b("txt"), text: b("# CPU\r\nused_cpu_sys:0.001503\r\n")))
            == #"{"cpu":{"used_cpu_sys":0.001503}}"#)
    #expect(
        json(
            .clusterInfo,
            text: "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_stats_messages_sent:1e3\r\n")
            == #"{"cluster_state":"ok","cluster_slots_assigned":16384,"cluster_stats_messages_sent":1e3}"#)
}

@Test func infoThatIsNotInfoTextStaysAsItWas() {
    #expect(json(.info, text: "# Server\r\nnot a field\r\n") == nil)
    #expect(json(.info, .error(b("ERR unknown"))) == nil)
    #expect(json(.info, .simpleString(b("a:1"))) == nil)
    #expect(json(.info, .array([])) == nil)
}

@Test func numbersFollowJSONGrammar() {
    for (text, value) in [
        ("0", RESPValue.integer(0)), ("-12", .integer(-12)), ("9223372036854775807", .integer(.max)),
        ("0.5", .double(b("0.5"))), ("-1.25e-05", .double(b("-1.25e-05"))), ("1E3", .double(b("1E3"))),
    ] {
        #expect(TextFields.typed(ArraySlice(b(text))) == value, "\(text)")
    }
    for text in ["", "-", "007", "1.", ".5", "+1", "1e", "0x10", "inf", "-nan", "1 ", "9223372036854775808", "1.2.3"] {
        #expect(TextFields.typed(ArraySlice(b(text))) == .bulkString(b(text)), "\(text)")
    }
}

@Test func clusterNodesAsObjects() {
    let first = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"
    let second = "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"
    let text = [
        "\(first) 127.0.0.1:30001@40001,node-1 myself,master - 0 1426238317239 4 connected 0-5460 5462 "
            + "[5461->-\(second)]",
        "\(second) ::1:30002@40002,,shard-id=abc,tls-port=0 slave \(first) 1426238316232 1426238317741 4 disconnected "
            + "[100-<-\(first)]",
        "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f :0@0 noflags - 0 0 0 connected", "",
    ].joined(separator: "\n")
    #expect(
        json(.clusterNodes, text: text)
            == #"[{"id":"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca","address":"127.0.0.1:30001","ip":"127.0.0.1","#
            + #""port":30001,"cport":40001,"hostname":"node-1","flags":["myself","master"],"master":null,"#
            + #""ping_sent":0,"pong_recv":1426238317239,"config_epoch":4,"link_state":"connected","#
            + #""slots":[[0,5460],[5462,5462]],"migrating":{"5461":"67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"},"#
            + #""importing":{}},{"id":"67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1","address":"::1:30002","ip":"::1","#
            + #""port":30002,"cport":40002,"hostname":null,"flags":["slave"],"#
            + #""master":"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca","ping_sent":1426238316232,"#
            + #""pong_recv":1426238317741,"config_epoch":4,"link_state":"disconnected","slots":[],"migrating":{},"#
            + #""importing":{"100":"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"},"aux":{"shard-id":"abc","tls-port":0}},"#
            + #"{"id":"292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f","address":":0","ip":"","port":0,"cport":0,"#
            + #""hostname":null,"flags":[],"master":null,"ping_sent":0,"pong_recv":0,"config_epoch":0,"#
            + #""link_state":"connected","slots":[],"migrating":{},"importing":{}}]"#)
    #expect(json(.clusterNodes, text: "") == "[]")
}

@Test func clusterNodesThatDoNotParseStayText() {
    for line in [
        "id 127.0.0.1:1@2 master - 0 0 1", // too few words
        "id 127.0.0.1@2 master - 0 0 1 connected", // no port
        "id 127.0.0.1:1@2 master - x 0 1 connected", // ping not a number
        "id 127.0.0.1:1@2 master - 0 0 1 connected 1-x", // bad range
        "id 127.0.0.1:1@2 master - 0 0 1 connected [1=>x]", // bad open slot
    ] {
        #expect(json(.clusterNodes, text: line) == nil, "\(line)")
    }
}

@Test func clusterReplicasAreNodeLines() {
    let line = "67ed 127.0.0.1:30002@40002 slave e7d1 0 1 4 connected\n"
    #expect(json(.clusterReplicas, .array([.bulkString(b(line))]))?.hasPrefix(#"[{"id":"67ed","address":"#) == true)
    #expect(json(.clusterReplicas, .array([])) == "[]")
    #expect(json(.clusterReplicas, .bulkString(b(line))) == nil)
}

@Test func clientListAndInfo() {
    let line =
        "id=7 addr=127.0.0.1:43598 laddr=127.0.0.1:6379 fd=8 name=42 age=0 flags=N db=0 multi=-1 qbuf-free=20448 "
        + "events=r cmd=client|info user=default lib-name= resp=2"
    let object =
        #"{"id":7,"addr":"127.0.0.1:43598","laddr":"127.0.0.1:6379","fd":8,"name":"42","age":0,"flags":"N","db":0,"#
        + #""multi":-1,"qbuf-free":20448,"events":"r","cmd":"client|info","user":"default","lib-name":"","resp":2}"#
    #expect(json(.clientInfo, text: line + "\n") == object)
    #expect(json(.clientList, text: line + "\n" + line + "\n") == "[" + object + "," + object + "]")
    #expect(json(.clientList, text: "id=1 oops\n") == nil)
    #expect(json(.clientInfo, text: line + "\n" + line + "\n") == nil)
}

@Test func memoryStatsFromRESP2AndRESP3() {
    let resp2 = RESPValue.array([
        .bulkString(b("peak.allocated")), .integer(1_038_112), .bulkString(b("db.0")),
        .array([.bulkString(b("overhead.hashtable.main")), .integer(72)]),
        .bulkString(b("dataset.percentage")), .bulkString(b("99.797370910644531")),
    ])
    let expected =
        #"{"peak.allocated":1038112,"db.0":{"overhead.hashtable.main":72},"dataset.percentage":99.797370910644531}"#
    #expect(json(.memoryStats, resp2) == expected)
    let resp3 = RESPValue.map([
        .bulkString(b("peak.allocated")), .integer(1_038_112), .bulkString(b("db.0")),
        .map([.bulkString(b("overhead.hashtable.main")), .integer(72)]),
        .bulkString(b("dataset.percentage")), .double(b("99.797370910644531")), .bulkString(b("ratio")),
        .double(b("inf")),
    ])
    #expect(json(.memoryStats, resp3) == expected.dropLast() + #","ratio":"inf"}"#)
    #expect(json(.memoryStats, .error(b("ERR"))) == nil)
    #expect(json(.memoryStats, .array([.integer(1)])) == nil)
}

@Test func quotedJSONEscapesStructuredStrings() {
    #expect(json(.clusterInfo, .bulkString(b("name:caf\u{e9}\n")), quoted: true) == #"{"name":"caf\\xc3\\xa9"}"#)
}

@Test func traitsNameTheShapes() {
    func shape(_ words: String) -> ReplyShape? {
        CommandTraits(words.split(separator: " ").map { Array($0.utf8) }).replyShape
    }
    #expect(shape("INFO") == .info)
    #expect(shape("info memory cpu") == .info)
    #expect(shape("CLUSTER NODES") == .clusterNodes)
    #expect(shape("cluster info") == .clusterInfo)
    #expect(shape("cluster replicas abc") == .clusterReplicas)
    #expect(shape("CLIENT LIST") == .clientList)
    #expect(shape("client list type normal") == .clientList)
    #expect(shape("client info") == .clientInfo)
    #expect(shape("memory stats") == .memoryStats)
    for words in ["memory usage k", "cluster shards", "client id", "get info", "cluster nodes x", "lolwut"] {
        #expect(shape(words) == nil, "\(words)")
    }
}
